namespace SagaWorkflow.Contracts;

/// <summary>
/// Response to <see cref="SetExecutorCapacity"/>: the executor applied the new limit at <see cref="Timestamp"/> (its
/// clock). From then on no attempt starts while <see cref="Concurrency"/> already run on that queue; attempts running
/// beyond a lowered limit finish undisturbed (<see cref="InFlight"/> counts them).
/// </summary>
public sealed record ExecutorCapacityChanged
{
    public string ExecutorId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public int Concurrency { get; init; }
    public int Previous { get; init; }

    /// <summary>The highest concurrency this executor can take: its prefetch per queue (<c>Executor:MaxConcurrency</c>).</summary>
    public int MaxConcurrency { get; init; }

    public int InFlight { get; init; }
    public DateTime Timestamp { get; init; }
}
