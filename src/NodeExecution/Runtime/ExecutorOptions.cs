namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>Settings of the executor host (section <c>Executor</c>; env <c>Executor__Concurrency=16</c>; CLI <c>--concurrency 16</c>).</summary>
public sealed class ExecutorOptions
{
    public const string Section = "Executor";

    /// <summary>Capabilities whose queues this process consumes; empty means every registered executor.</summary>
    public List<string> Capabilities { get; set; } = [];

    /// <summary>Comma-separated alternative to <see cref="Capabilities"/> (<c>--capabilities http,delay</c>); both are merged.</summary>
    public string? CapabilityList { get; set; }

    /// <summary>Attempts run at once per capability queue at start; <c>PUT /api/v1/executors/{id}/capacity</c> changes it while the process runs.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// The highest concurrency a runtime change may set, and the prefetch of each node queue: a RabbitMQ consumer's
    /// prefetch is fixed when it subscribes, so headroom for raising is reserved here. Unset: <see cref="Concurrency"/>
    /// (prefetch = concurrency, so long nodes never hoard messages; capacity can then be lowered and raised back only).
    /// </summary>
    public int? MaxConcurrency { get; set; }

    /// <summary><see cref="MaxConcurrency"/>, or <see cref="Concurrency"/> when unset.</summary>
    public int EffectiveMaxConcurrency => MaxConcurrency ?? Concurrency;

    /// <summary>This process's id on NodeStarted / NodeCompleted and in <c>workflow_nodes.executor_id</c>. Default: host-pid-random.</summary>
    public string ExecutorId { get; set; } = DefaultExecutorId;

    /// <summary>Pools (labels) this process serves: it also consumes <c>node.&lt;capability&gt;.&lt;pool&gt;</c> for each.</summary>
    public List<string> Pools { get; set; } = [];

    /// <summary>Comma-separated alternative to <see cref="Pools"/> (<c>--pools eu,gpu</c>); both are merged.</summary>
    public string? PoolList { get; set; }

    /// <summary>How often the process tells the orchestrators it is alive; they declare it lost after 3 missed intervals.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// On SIGTERM the process drains: takes no new work and lets in-flight attempts finish for this long, then hands
    /// the rest back to be dispatched elsewhere. Keep it below the container's stop grace period.
    /// </summary>
    public TimeSpan ShutdownDrainDeadline { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// An attempt reports <c>NodeStarted</c> only once it has run this long; one that ends sooner reports its start with
    /// its result. Short nodes then cost the orchestrator two saga transactions instead of three. Zero reports every start.
    /// </summary>
    public TimeSpan StartReportDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Addresses the <c>http</c> executor may call (<c>Executor:Http:Allow</c>, <c>Executor:Http:Deny</c>).</summary>
    public BuiltIn.HttpTargetOptions Http { get; set; } = new();

    /// <summary>True when <see cref="ExecutorId"/> was chosen by configuration: only then does the process consume its own queue.</summary>
    public bool HasStableId => ExecutorId != DefaultExecutorId;

    private static readonly string DefaultExecutorId = $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}";
}
