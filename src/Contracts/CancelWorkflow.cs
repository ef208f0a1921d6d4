namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: stop a running workflow. Sent by clients, the API or the CLI to the <c>workflow-state</c> queue;
/// consumed by <c>WorkflowStateMachine</c>, which stops dispatching, marks unfinished nodes cancelled and
/// publishes <see cref="WorkflowCancelled"/>. Cancelling a finished workflow changes nothing.
/// </summary>
public sealed record CancelWorkflow
{
    public Guid WorkflowId { get; init; }
    public string? Reason { get; init; }
}
