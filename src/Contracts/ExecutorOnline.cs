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
    public DateTime Timestamp { get; init; }
}
