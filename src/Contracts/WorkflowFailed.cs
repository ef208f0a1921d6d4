namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: a node failed with no attempt left (or the workflow timed out); dispatching stopped.
/// Published by <c>WorkflowStateMachine</c>; consumed by clients. <see cref="NodeId"/> names the failing node when there is one.
/// </summary>
public sealed record WorkflowFailed
{
    public Guid WorkflowId { get; init; }
    public string? NodeId { get; init; }
    public string Error { get; init; } = "";
    public DateTime Timestamp { get; init; }
}
