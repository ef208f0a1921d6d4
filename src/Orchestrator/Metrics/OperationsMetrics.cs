using System.Diagnostics.Metrics;

namespace SagaWorkflow.Orchestrator.Metrics;

/// <summary>
/// Counters that alert rules watch (deploy/prometheus/alerts.yml): executors declared lost, cron fire times missed, and
/// saga store errors met by the database retries. On the orchestrator's meter, each counted where it happens, once.
/// </summary>
public static class OperationsMetrics
{
    private static readonly Counter<long> ExecutorsLost = WorkflowMetrics.Meter.CreateCounter<long>("sagaworkflow.executors.lost", "{executor}",
        "Executors declared lost (heartbeat timeout, replaced by a new process); counted by the orchestrator that reassigned their work");

    private static readonly Counter<long> CronMisfires = WorkflowMetrics.Meter.CreateCounter<long>("sagaworkflow.cron.misfires", "{fire}",
        "Planned fire times of cron schedules that no orchestrator was running to fire (recorded as skipped in the fire ledger), by schedule");

    private static readonly Counter<long> StoreErrors = WorkflowMetrics.Meter.CreateCounter<long>("sagaworkflow.saga.store_errors", "{error}",
        "Saga store errors a saga message met and retried: kind unavailable (the database away) or failed (conflict, deadlock, other)");

    public static void ExecutorLost() => ExecutorsLost.Add(1);

    public static void CronMisfired(string scheduleId, int fireTimes) =>
        CronMisfires.Add(fireTimes, new KeyValuePair<string, object?>("schedule", scheduleId));

    /// <summary><paramref name="unavailable"/>: the database was away (waited for); otherwise another database error (retried).</summary>
    public static void StoreError(bool unavailable) =>
        StoreErrors.Add(1, new KeyValuePair<string, object?>("kind", unavailable ? "unavailable" : "failed"));
}
