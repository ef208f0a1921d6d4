namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: an executor shut down cleanly, having finished or handed back its in-flight attempts. Published by the
/// executor host as it stops; consumed by <c>ExecutorStateMachine</c>, which marks the row Stopped and disarms the timeout.
/// </summary>
public sealed record ExecutorStopped
{
    public string ExecutorId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public DateTime Timestamp { get; init; }
}
