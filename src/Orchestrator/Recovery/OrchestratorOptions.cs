namespace SagaWorkflow.Orchestrator.Recovery;

/// <summary>Settings of the orchestrator host (section <c>Orchestrator</c>).</summary>
public sealed class OrchestratorOptions
{
    public const string Section = "Orchestrator";

    /// <summary>
    /// A node still <c>dispatched</c> (no executor reported starting it) after this long is re-dispatched as the next
    /// attempt. Must exceed the longest queue wait you expect, or busy queues cause needless re-dispatches.
    /// </summary>
    public TimeSpan RedispatchAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A retry still waiting this long after it was due has lost its timer (the orchestrator died before the scheduler
    /// stored it) and is sent by the sweeper. Longer than the scheduler's normal lateness under load.
    /// </summary>
    public TimeSpan RetryGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A node still <c>running</c> on an executor that was declared lost (or stopped) this long ago missed its failover
    /// (the ExecutorLost message failed for good, or an orchestrator died mid-way) and is reassigned by the sweeper.
    /// Longer than a failover normally takes under load.
    /// </summary>
    public TimeSpan LostExecutorGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the sweeper looks for such nodes.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Largest plain-JSON message <c>workflow-submit</c> takes; a bigger one goes to <c>workflow-submit_error</c> with the
    /// reason. The same default as the API's body limit, so both doors take the same workflows.
    /// </summary>
    public long MaxSubmitBytes { get; set; } = 1024 * 1024;
}
