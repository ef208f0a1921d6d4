namespace SagaWorkflow.Contracts;

/// <summary>
/// Command (published): the named executor stops taking new work and finishes its in-flight attempts; whatever still
/// runs at <see cref="Deadline"/> (from receipt) is cancelled and handed back, so the saga dispatches it elsewhere.
/// Every executor process receives it on its control queue; only the one with <see cref="ExecutorId"/> acts.
/// Also consumed by <c>ExecutorStateMachine</c>, which records the request on the row.
/// </summary>
public sealed record DrainExecutor
{
    public string ExecutorId { get; init; } = "";

    /// <summary>How long in-flight attempts may run on before they are handed over; none means wait for them all.</summary>
    public TimeSpan? Deadline { get; init; }

    public string? Reason { get; init; }
}
