using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Scheduling;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// One fire of a cron schedule (on exactly one clustered orchestrator): publishes StartWorkflow with a workflow id
/// derived from (schedule, planned fire time), then records the fire in <c>schedule_fires</c>. The derived id makes a
/// re-run of this job (recovery after a crash) start nothing twice; the ledger's key records each planned time once.
/// </summary>
public sealed class CronFireJob(IBus bus, WorkflowDbContextFactory dbContextFactory, TimeProvider time, ILogger<CronFireJob> logger) : IJob
{
    public const string ScheduleJson = "schedule";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var schedule = JsonSerializer.Deserialize<CronSchedule>(context.MergedJobDataMap.GetString(ScheduleJson)!, CronSchedules.Json)!;
        var planned = context.ScheduledFireTimeUtc?.UtcDateTime ?? context.FireTimeUtc.UtcDateTime;
        planned = new DateTime(planned.Ticks - planned.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        // Quartz fires a trigger that is late by less than its store-wide threshold as if on time; the schedule's own
        // threshold and misfire policy decide here, so a Skip schedule never starts a stale run.
        var late = context.FireTimeUtc.UtcDateTime - planned > schedule.MisfireThreshold;
        var now = time.GetUtcNow().UtcDateTime;
        if (late && schedule.Misfire == MisfirePolicy.Skip)
        {
            await CronLedger.RecordAsync(dbContextFactory, new ScheduleFire
            {
                ScheduleId = schedule.Id, FireTime = planned, Outcome = "skipped", Reason = "misfire: too late, policy Skip", RecordedAt = now,
            }, cancellationToken);
            return;
        }

        var workflowId = WorkflowIdFor(schedule.Id, planned);
        await bus.Publish(new StartWorkflow
        {
            WorkflowId = workflowId, Definition = schedule.Workflow, Input = schedule.Input, Trigger = "cron",
            ScheduleId = schedule.Id, ScheduledFireTime = planned,
        }, cancellationToken);
        await CronLedger.RecordAsync(dbContextFactory, new ScheduleFire
        {
            ScheduleId = schedule.Id, FireTime = planned, Outcome = "fired", WorkflowId = workflowId,
            Reason = late ? "misfire: fired once late" : null, RecordedAt = now,
        }, cancellationToken);
        logger.LogInformation("Schedule {ScheduleId} fired for {Planned:O}: workflow {WorkflowId}", schedule.Id, planned, workflowId);
    }

    public static Guid WorkflowIdFor(string scheduleId, DateTime plannedUtc) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{scheduleId}|{plannedUtc:O}")).AsSpan(0, 16));

    private static TimeZoneInfo ZoneOf(CronSchedule schedule) =>
        CronScheduleValidator.TryFindTimeZone(schedule.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}

/// <summary>
/// Writes ledger rows, one per (schedule, planned time). A fire that started a workflow wins over a skip recorded for
/// the same time (the misfire listener records a time that Quartz then fires once late); otherwise the first row stays.
/// </summary>
public static class CronLedger
{
    public static async Task RecordAsync(WorkflowDbContextFactory factory, ScheduleFire fire, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var existing = await db.ScheduleFires.SingleOrDefaultAsync(f => f.ScheduleId == fire.ScheduleId && f.FireTime == fire.FireTime, cancellationToken);
        if (existing is not null)
        {
            if (existing.Outcome == "skipped" && fire.Outcome == "fired")
            {
                existing.Outcome = fire.Outcome;
                existing.WorkflowId = fire.WorkflowId;
                existing.Reason = fire.Reason;
                existing.RecordedAt = fire.RecordedAt;
                await db.SaveChangesAsync(cancellationToken);
            }

            return;
        }

        db.ScheduleFires.Add(fire);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance recorded the same planned time first, and the unique key stopped the second row;
            // anything else is a real failure.
            await using var check = factory.Create();
            if (!await check.ScheduleFires.AnyAsync(f => f.ScheduleId == fire.ScheduleId && f.FireTime == fire.FireTime, cancellationToken))
                throw;
        }
    }
}
