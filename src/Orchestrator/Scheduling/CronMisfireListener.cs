using Microsoft.Extensions.Logging;
using Quartz;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Scheduling;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// Records the planned fire times a cron trigger missed (every orchestrator was down) as skipped in the ledger, before
/// Quartz applies the schedule's misfire policy (fire once now, or wait for the next time).
/// </summary>
public sealed class CronMisfireListener(WorkflowDbContextFactory dbContextFactory, TimeProvider time, ILogger<CronMisfireListener> logger) : ITriggerListener
{
    private const int MaxRecorded = 1000;

    public string Name => "sagaworkflow-cron-misfires";

    public async ValueTask TriggerMisfired(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var recorded = 0;
        for (var missed = trigger.NextFireTimeUtc; missed is { } t && t <= now && recorded < MaxRecorded; missed = trigger.GetFireTimeAfter(t))
        {
            await CronLedger.RecordAsync(dbContextFactory, new ScheduleFire
            {
                ScheduleId = trigger.Key.Name, FireTime = t.UtcDateTime, Outcome = "skipped", Reason = "misfire: no orchestrator was running",
                RecordedAt = now.UtcDateTime,
            }, cancellationToken);
            recorded++;
        }

        Metrics.OperationsMetrics.CronMisfired(trigger.Key.Name, recorded);
        logger.LogWarning("Schedule {ScheduleId} missed {Count} fire time(s)", trigger.Key.Name, recorded);
    }

    public ValueTask TriggerFired(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<bool> VetoJobExecution(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public ValueTask TriggerComplete(ITrigger trigger, IJobExecutionContext context, SchedulerInstruction triggerInstructionCode,
        CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask TriggerRetriesExhausted(ITrigger trigger, IJobExecutionContext context, JobExecutionException exception,
        CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask TriggerSkipped(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
