namespace SagaWorkflow.Contracts;

/// <summary>
/// Response to <see cref="SetExecutorCapacity"/> from an executor that cannot take the value: above its
/// <see cref="MaxConcurrency"/> (the prefetch it subscribed with, fixed while it runs), or it is draining.
/// </summary>
public sealed record ExecutorCapacityRefused
{
    public string ExecutorId { get; init; } = "";
    public int Requested { get; init; }
    public int MaxConcurrency { get; init; }
    public string Reason { get; init; } = "";
}
