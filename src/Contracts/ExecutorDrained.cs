namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: a draining executor has nothing in flight any more. Published by the executor host; consumed by
/// <c>ExecutorStateMachine</c>. <see cref="HandedOver"/> counts the attempts it gave back at the drain deadline.
/// </summary>
public sealed record ExecutorDrained
{
    public string ExecutorId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public int Completed { get; init; }
    public int HandedOver { get; init; }
    public DateTime Timestamp { get; init; }
}
