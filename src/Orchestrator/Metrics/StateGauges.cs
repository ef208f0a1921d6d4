using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Metrics;

/// <summary>
/// Gauges of what is true right now, read from the database at scrape time (so every orchestrator reports the same,
/// whole-deployment figures): nodes in flight, nodes dispatched and not yet started (the queue backlog) and executors
/// online, by capability; and whether this process is ready (its <c>/ready</c> checks, run before each scrape).
/// </summary>
public sealed class StateGauges : IDisposable
{
    /// <summary>A meter per instance (one per host), so a host exports its own database's reading only (see OrchestratorMetrics).</summary>
    public const string MeterName = "SagaWorkflow.State";

    private readonly WorkflowDbContextFactory _databases;
    private volatile Snapshot _snapshot = new([], [], []);
    private volatile int _ready;

    public StateGauges(WorkflowDbContextFactory databases)
    {
        _databases = databases;
        Meter = new Meter(MeterName);
        Meter.CreateObservableGauge("sagaworkflow.nodes.in_flight", () => Measure(_snapshot.InFlight), "{node}",
            "Nodes dispatched or running (whole deployment), by capability");
        Meter.CreateObservableGauge("sagaworkflow.nodes.dispatched", () => Measure(_snapshot.Dispatched), "{node}",
            "Nodes dispatched to their capability's queue and not started yet: the backlog (whole deployment), by capability");
        Meter.CreateObservableGauge("sagaworkflow.executors.online", () => Measure(_snapshot.Online), "{executor}",
            "Executors online (not draining, lost or stopped) that offer a capability, by capability");
        Meter.CreateObservableGauge("sagaworkflow.ready", () => _ready, "{process}",
            "1 while this orchestrator's readiness checks (/ready: broker, database, scheduler) pass, else 0");
    }

    public Meter Meter { get; }

    /// <summary>Reads the current figures; called before each scrape collects the gauges.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var db = _databases.Create();
        var inFlightStates = new[] { NodeStatus.Dispatched, NodeStatus.Running };
        var byState = await db.Nodes.AsNoTracking().Where(n => inFlightStates.Contains(n.State))
            .GroupBy(n => new { n.Capability, n.State }).Select(g => new { g.Key.Capability, g.Key.State, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var inFlight = byState.GroupBy(g => g.Capability).ToDictionary(g => g.Key, g => g.Sum(s => s.Count));
        var dispatched = byState.Where(g => g.State == NodeStatus.Dispatched).ToDictionary(g => g.Capability, g => g.Count);
        var online = (await db.Executors.AsNoTracking().Where(e => e.CurrentState == "Online").Select(e => e.Capabilities).ToListAsync(cancellationToken))
            .SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        // A capability someone can run shows 0 rather than no series, so "nothing in flight" is visible as such.
        foreach (var capability in online.Keys.Concat(inFlight.Keys))
        {
            inFlight.TryAdd(capability, 0);
            dispatched.TryAdd(capability, 0);
        }

        _snapshot = new Snapshot(inFlight, dispatched, online);
    }

    /// <summary>The outcome of the readiness checks, taken before each scrape.</summary>
    public void SetReady(bool ready) => _ready = ready ? 1 : 0;

    public void Dispose() => Meter.Dispose();

    private static IEnumerable<Measurement<int>> Measure(Dictionary<string, int> counts) =>
        counts.Select(kv => new Measurement<int>(kv.Value, new KeyValuePair<string, object?>("capability", kv.Key)));

    private sealed record Snapshot(Dictionary<string, int> InFlight, Dictionary<string, int> Dispatched, Dictionary<string, int> Online);
}
