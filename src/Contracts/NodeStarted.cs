namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: an executor began an attempt. Published by the executor host; consumed by <c>WorkflowStateMachine</c>
/// (correlates by <see cref="WorkflowId"/>), which records the executor and start time if the attempt is current.
/// </summary>
public sealed record NodeStarted
{
    public Guid WorkflowId { get; init; }
    public string NodeId { get; init; } = "";
    public int Attempt { get; init; }
    public string ExecutorId { get; init; } = "";
    public DateTime Timestamp { get; init; }
}
