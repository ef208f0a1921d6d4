namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: an executor is alive, every heartbeat interval. Published by the executor host; consumed by
/// <c>ExecutorStateMachine</c>, which records it and re-arms the heartbeat timeout. It repeats the announcement's
/// fields, so an executor whose <see cref="ExecutorOnline"/> was missed still gets a complete row.
/// </summary>
public sealed record ExecutorHeartbeat
{
    public string ExecutorId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public IReadOnlyList<string> Pools { get; init; } = [];

    /// <summary>Attempts it runs at once per queue now: its configured value, or the last <see cref="SetExecutorCapacity"/> it applied.</summary>
    public int Concurrency { get; init; }
    public string Host { get; init; } = "";
    public string AgentVersion { get; init; } = "";
    public TimeSpan HeartbeatInterval { get; init; }

    /// <summary>
    /// Whether it consumes its own queue (<c>executor.&lt;id&gt;</c>: only a process started with a configured id does),
    /// so sticky routing may send nodes there. False from executors older than sticky routing.
    /// </summary>
    public bool OwnQueue { get; init; }

    /// <summary>Execution ids (<c>workflow/node/attempt</c>) running on the executor now.</summary>
    public IReadOnlyList<string> InFlight { get; init; } = [];

    public bool Draining { get; init; }
    public DateTime Timestamp { get; init; }
}
