namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: an executor process started and consumes its queues. Published by the executor host at start; consumed by
/// <c>ExecutorStateMachine</c> (correlates by <see cref="ExecutorIdentity.CorrelationIdFor"/> of <see cref="ExecutorId"/>),
/// which creates or refreshes the <c>executors</c> row and arms the heartbeat timeout.
/// </summary>
public sealed record ExecutorOnline
{
    public string ExecutorId { get; init; } = "";

    /// <summary>Random per process start: the same executor id restarted is a new instance, and the old one's work is lost.</summary>
    public Guid InstanceId { get; init; }

    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public IReadOnlyList<string> Pools { get; init; } = [];
    public int Concurrency { get; init; }
    public string Host { get; init; } = "";
    public string AgentVersion { get; init; } = "";
    public TimeSpan HeartbeatInterval { get; init; }

    /// <summary>
    /// Whether it consumes its own queue (<c>executor.&lt;id&gt;</c>: only a process started with a configured id does),
    /// so sticky routing may send nodes there. False from executors older than sticky routing.
    /// </summary>
    public bool OwnQueue { get; init; }
    public DateTime Timestamp { get; init; }
}
