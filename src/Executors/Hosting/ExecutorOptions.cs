namespace SagaWorkflow.Executors.Hosting;

/// <summary>Settings of the executor host (section <c>Executor</c>; env <c>Executor__Concurrency=16</c>; CLI <c>--concurrency 16</c>).</summary>
public sealed class ExecutorOptions
{
    public const string Section = "Executor";

    /// <summary>Capabilities whose queues this process consumes; empty means every registered executor.</summary>
    public List<string> Capabilities { get; set; } = [];

    /// <summary>Comma-separated alternative to <see cref="Capabilities"/> (<c>--capabilities http,delay</c>); both are merged.</summary>
    public string? CapabilityList { get; set; }

    /// <summary>Attempts run at once per capability queue; also the prefetch, so long nodes do not hoard messages.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>This process's id on NodeStarted / NodeCompleted and in <c>workflow_nodes.executor_id</c>. Default: host-pid-random.</summary>
    public string ExecutorId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}";
}
