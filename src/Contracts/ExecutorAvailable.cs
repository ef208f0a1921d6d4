namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: an executor that can take some of this workflow's waiting nodes is online, so their waiting reason ("no
/// online executor ...") no longer holds. Sent by the executor registry to <c>workflow-state</c>, one per workflow with
/// such nodes; consumed by <c>WorkflowStateMachine</c>, which alone writes a workflow's node rows.
/// </summary>
public sealed record ExecutorAvailable
{
    public Guid WorkflowId { get; init; }
    public string ExecutorId { get; init; } = "";
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public IReadOnlyList<string> Pools { get; init; } = [];
}
