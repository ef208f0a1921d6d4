using System.Diagnostics.Metrics;
using MassTransit;
using SagaWorkflow.Persistence.Sagas;

namespace SagaWorkflow.Orchestrator.Metrics;

/// <summary>
/// The orchestrator's own instruments (meter <c>SagaWorkflow</c>). Saga steps record through these methods, which defer
/// the count until the saga transaction commits: a delivery retried after a conflict is counted once, a rolled-back
/// one not at all. Gauges of current state (in-flight nodes, online executors) live in <see cref="StateGauges"/>.
/// </summary>
public static class WorkflowMetrics
{
    public const string MeterName = "SagaWorkflow";

    public static readonly Meter Meter = new(MeterName, typeof(WorkflowMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Started = Meter.CreateCounter<long>("sagaworkflow.workflows.started", "{workflow}", "Workflows started, by definition");
    private static readonly Counter<long> Completed = Meter.CreateCounter<long>("sagaworkflow.workflows.completed", "{workflow}", "Workflows completed, by definition");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("sagaworkflow.workflows.failed", "{workflow}", "Workflows failed, by definition");
    private static readonly Counter<long> Cancelled = Meter.CreateCounter<long>("sagaworkflow.workflows.cancelled", "{workflow}", "Workflows cancelled, by definition");

    private static readonly Histogram<double> NodeDuration = Meter.CreateHistogram<double>("sagaworkflow.node.duration", "ms",
        "Node attempt execution time (started -> result), by capability and outcome");
    private static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("sagaworkflow.node.queue_wait", "ms",
        "Time a node attempt waited in its queue (dispatched -> started), by capability");
    private static readonly Counter<long> Failovers = Meter.CreateCounter<long>("sagaworkflow.node.failovers", "{attempt}",
        "Node attempts superseded because their executor was lost, handed them back or never started them, by capability");
    private static readonly Counter<long> Retries = Meter.CreateCounter<long>("sagaworkflow.node.retries", "{attempt}",
        "Failed node attempts scheduled for a retry, by capability");
    private static readonly Counter<long> StaleResults = Meter.CreateCounter<long>("sagaworkflow.node.stale_results", "{result}",
        "Results of superseded attempts, recorded in node_attempts and not applied, by capability");

    public static void WorkflowStarted(PipeContext context, string definition) => Count(context, Started, "definition", definition);
    public static void WorkflowCompleted(PipeContext context, string definition) => Count(context, Completed, "definition", definition);
    public static void WorkflowFailed(PipeContext context, string definition) => Count(context, Failed, "definition", definition);
    public static void WorkflowCancelled(PipeContext context, string definition) => Count(context, Cancelled, "definition", definition);
    public static void Failover(PipeContext context, string capability) => Count(context, Failovers, "capability", capability);
    public static void Retry(PipeContext context, string capability) => Count(context, Retries, "capability", capability);
    public static void StaleResult(PipeContext context, string capability) => Count(context, StaleResults, "capability", capability);

    public static void NodeStarted(PipeContext context, string capability, DateTime? dispatchedAt, DateTime startedAt)
    {
        if (dispatchedAt is { } dispatched && startedAt >= dispatched)
            SagaDatabase.AfterCommit(context, () => QueueWait.Record((startedAt - dispatched).TotalMilliseconds, new KeyValuePair<string, object?>("capability", capability)));
    }

    public static void NodeFinished(PipeContext context, string capability, string outcome, DateTime? startedAt, DateTime finishedAt)
    {
        if (startedAt is { } started && finishedAt >= started)
            SagaDatabase.AfterCommit(context, () => NodeDuration.Record((finishedAt - started).TotalMilliseconds,
                new KeyValuePair<string, object?>("capability", capability), new KeyValuePair<string, object?>("outcome", outcome)));
    }

    private static void Count(PipeContext context, Counter<long> counter, string tag, string value) =>
        SagaDatabase.AfterCommit(context, () => counter.Add(1, new KeyValuePair<string, object?>(tag, value)));
}
