namespace SagaWorkflow.Orchestrator.ExecutorRegistry;

/// <summary>Settings of executor failure detection on the orchestrator side (section <c>Failover</c>).</summary>
public sealed class FailoverOptions
{
    public const string Section = "Failover";

    /// <summary>
    /// An executor that has not heartbeated for this many of its own heartbeat intervals is declared lost and its
    /// in-flight nodes are reassigned. 3 tolerates two missed heartbeats (a GC pause, a slow broker) without failover.
    /// </summary>
    public double HeartbeatTimeoutFactor { get; set; } = 3;

    /// <summary>Lower bound of the heartbeat timeout whatever the interval, so a tiny interval cannot cause flapping.</summary>
    public TimeSpan MinimumHeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After this orchestrator reconnects to the broker, heartbeat timeouts are not counted for this long: the executors
    /// lost the broker too, and each reconnects on its own schedule (MassTransit backs off between tries; measured 15-20 s
    /// after a 10 s outage). An executor that really died meanwhile is declared lost this much later.
    /// </summary>
    public TimeSpan BrokerReconnectGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each orchestrator re-reads which executors are online (for nodes' waiting reasons).</summary>
    public TimeSpan DirectoryRefresh { get; set; } = TimeSpan.FromSeconds(1);
}
