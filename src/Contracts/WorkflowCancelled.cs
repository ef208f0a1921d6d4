namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: a workflow was cancelled by <see cref="CancelWorkflow"/>. Published by <c>WorkflowStateMachine</c>;
/// consumed by clients. Results that still arrive for its nodes are recorded as stale and not applied.
/// </summary>
public sealed record WorkflowCancelled
{
    public Guid WorkflowId { get; init; }
    public string? Reason { get; init; }
    public DateTime Timestamp { get; init; }
}
