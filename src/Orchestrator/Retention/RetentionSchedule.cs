using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using SagaWorkflow.Orchestrator.Scheduling;

namespace SagaWorkflow.Orchestrator.Retention;

/// <summary>
/// Puts the retention trigger in the Quartz store as <c>Retention</c> says, at each orchestrator's start: every
/// <c>Interval</c> from now when enabled, removed when not (so turning it off takes effect). A trigger that already repeats
/// at that interval is kept, so restarts do not push the next run back. Every orchestrator of a cluster should carry the
/// same settings; the last one started wins.
/// </summary>
public sealed class RetentionSchedule(ISchedulerFactory schedulers, BusReadiness bus, IOptions<RetentionOptions> options, TimeProvider time,
    ILogger<RetentionSchedule> logger) : BackgroundService
{
    private static readonly TriggerKey TriggerKey = new(RetentionJob.Key.Name, RetentionJob.Key.Group);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Once the bus is ready (the scheduler starts then), so the start of the orchestrator, and the scheduler's own look at
        // what it missed meanwhile, do not wait on this. In the background and until it works: the store may be unreachable
        // right at start, and that must not stop the host.
        await bus.Ready.WaitAsync(stoppingToken);
        while (true)
        {
            try
            {
                await ApplyAsync(await schedulers.GetScheduler(stoppingToken), stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not store the retention schedule; trying again in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            }
        }
    }

    public async Task ApplyAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            if (await scheduler.DeleteJob(RetentionJob.Key, cancellationToken))
                logger.LogInformation("Retention is off: its job is removed from the scheduler");
            return;
        }

        if (await scheduler.GetTrigger(TriggerKey, cancellationToken) is ISimpleTrigger existing && existing.RepeatInterval == settings.Interval)
            return;
        var job = JobBuilder.Create<RetentionJob>().WithIdentity(RetentionJob.Key)
            .WithDescription("deletes finished workflows older than Retention:OlderThan").Build();
        // A run missed while every orchestrator was down is made up once, not once per missed interval.
        var trigger = TriggerBuilder.Create().WithIdentity(TriggerKey).StartAt(time.GetUtcNow())
            .WithSimpleSchedule(s => s.WithInterval(settings.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithRemainingCount))
            .Build();
        await scheduler.ScheduleJob(job, trigger, ScheduleJobOptions.Replacing, cancellationToken);
        logger.LogInformation("Retention on: finished workflows older than {OlderThan} are purged every {Interval}, {BatchSize} per batch",
            settings.OlderThan, settings.Interval, settings.BatchSize);
    }
}
