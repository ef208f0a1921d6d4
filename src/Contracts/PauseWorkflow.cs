namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: stop dispatching new nodes of a running workflow; nodes already dispatched or running finish and are
/// recorded, and retries that come due wait. Sent by the API or CLI to <c>workflow-state</c>; the saga moves to
/// <c>Paused</c>. Pausing a paused or finished workflow changes nothing.
/// </summary>
public sealed record PauseWorkflow
{
    public Guid WorkflowId { get; init; }
    public string? Reason { get; init; }
}
