using SagaWorkflow.Persistence.Sagas;

namespace SagaWorkflow.Persistence.Executors;

/// <summary>
/// Saga state of one executor (an <c>executors</c> row), kept by <c>ExecutorStateMachine</c> from the executor's
/// announcements and heartbeats. The correlation id is derived from <see cref="ExecutorId"/>, so every orchestrator
/// finds the same row for the same executor name.
/// </summary>
public class ExecutorState : IVersionedSaga
{
    public Guid CorrelationId { get; set; }
    public string ExecutorId { get; set; } = "";

    /// <summary>Random per process start: a restart under the same executor id is a new instance.</summary>
    public Guid InstanceId { get; set; }

    /// <summary>Online, Draining, Lost or Stopped (the state machine's state name).</summary>
    public string CurrentState { get; set; } = "";

    /// <summary>Comma-separated capabilities (<c>http,delay</c>), so <c>LIKE</c> and <c>string_to_array</c> work in SQL.</summary>
    public string Capabilities { get; set; } = "";

    /// <summary>Comma-separated pools (labels) whose queues the executor also consumes.</summary>
    public string Pools { get; set; } = "";

    public int Concurrency { get; set; }

    /// <summary>Whether it consumes its own queue <c>executor.&lt;id&gt;</c> (a configured id): only such executors own routing keys.</summary>
    public bool OwnQueue { get; set; }
    public string Host { get; set; } = "";
    public string AgentVersion { get; set; } = "";
    public int InFlightCount { get; set; }

    /// <summary>Execution ids (<c>workflow/node/attempt</c>) in flight at the last heartbeat, JSON array text.</summary>
    public string InFlightJson { get; set; } = "[]";

    public long HeartbeatIntervalMs { get; set; }
    public long HeartbeatTimeoutMs { get; set; }
    public DateTime FirstSeenAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? LastHeartbeatAt { get; set; }
    public DateTime? LostAt { get; set; }
    public DateTime? StoppedAt { get; set; }
    public DateTime? DrainRequestedAt { get; set; }
    public DateTime? DrainedAt { get; set; }

    /// <summary>Why the executor was declared lost (heartbeat timeout, replaced by a new process).</summary>
    public string? LostReason { get; set; }

    /// <summary>Scheduler token of the armed heartbeat timeout (MassTransit's Schedule keeps it here).</summary>
    public Guid? HeartbeatTimeoutTokenId { get; set; }

    public int Version { get; set; }
}
