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

    /// <summary>How often the sweeper looks for such nodes.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
