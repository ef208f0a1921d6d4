using System.Text.Json;
using MassTransit;
using MassTransit.Scheduling;
using MassTransit.Serialization;
using Quartz;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// MassTransit's message scheduler, backed by Quartz's persistent, clustered store: <c>ScheduleMessage</c> stores one
/// job + trigger per token (re-scheduling a token replaces it), <c>CancelScheduledMessage</c> removes it. Sagas reach it
/// through <c>ScheduleSend</c> / <c>Schedule</c> because the bus is configured with <c>UseMessageScheduler</c>
/// pointing at this endpoint (<see cref="SchedulingRegistration.SchedulerQueue"/>).
/// <para>
/// Both are idempotent against whatever a crash leaves of a timer: nothing, a job without its trigger, a trigger
/// reserved or firing on a dead cluster member (its <c>QRTZ_FIRED_TRIGGERS</c> row still there), or the recovery
/// trigger Quartz stores for such a firing (<c>RECOVERING_JOBS</c>). Each change is one Quartz store call, so one
/// transaction under Quartz's trigger lock, which a firing, a cluster recovery or another orchestrator's request for
/// the same token waits for instead of interleaving with.
/// </para>
/// </summary>
public sealed class ScheduleMessageConsumer(ISchedulerFactory schedulerFactory) : IConsumer<ScheduleMessage>, IConsumer<CancelScheduledMessage>
{
    public const string Group = "scheduled-messages";

    /// <summary>
    /// Stores the timer. A job already stored under the token is an earlier delivery of this message (the orchestrator
    /// that consumed it died before acknowledging) or what is left of it: the leftovers go first, so the timer fires once,
    /// at the time this message says. Replacing alone would keep a dead member's fired-trigger row, which Quartz's
    /// recovery then replays at once, beside the replaced trigger.
    /// </summary>
    public async Task Consume(ConsumeContext<ScheduleMessage> context)
    {
        var m = context.Message;
        var key = m.CorrelationId.ToString("D");
        var job = JobBuilder.Create<ScheduledSendJob>()
            .WithIdentity(key, Group)
            .UsingJobData(ScheduledSendJob.Destination, m.Destination.ToString())
            .UsingJobData(ScheduledSendJob.Payload, JsonSerializer.Serialize(m.Payload, SystemTextJsonMessageSerializer.Options))
            .UsingJobData(ScheduledSendJob.PayloadType, string.Join(';', m.PayloadType))
            .UsingJobData(ScheduledSendJob.TokenId, key)
            .RequestRecovery()
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(key, Group)
            .ForJob(job)
            .StartAt(DateTime.SpecifyKind(m.ScheduledTime, DateTimeKind.Utc))
            // Fired late (every orchestrator was down): deliver once as soon as one is back, never drop it.
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();

        var scheduler = await schedulerFactory.GetScheduler(context.CancellationToken);
        try
        {
            await scheduler.ScheduleJob(job, trigger, cancellationToken: context.CancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            await scheduler.DeleteJobs([job.Key], context.CancellationToken);
            // Replacing, not a plain insert: a duplicate of this message handled elsewhere may have stored it again since.
            await scheduler.ScheduleJob(job, trigger, ScheduleJobOptions.Replacing, context.CancellationToken);
        }
    }

    /// <summary>
    /// Removes the timer and every trace of it, and succeeds when there is nothing left to remove (it fired, was
    /// cancelled before, or was never stored). Not <c>IScheduler.DeleteJob</c>: that lists the job's triggers, then
    /// unschedules each in a transaction of its own, and throws "Unable to unschedule trigger ... while deleting job"
    /// when one vanished in between: the timer fired meanwhile, or a recovery trigger for a dead member's firing ran
    /// (seen in scheduler_error after kill -9 of an orchestrator, even with retries). <c>DeleteJobs</c> is one store
    /// call: the job's triggers (recovery triggers included), its fired-trigger rows (so a dead member's interrupted
    /// firing is not replayed by recovery) and the job go in one transaction, and a key not found is simply not deleted.
    /// </summary>
    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        var scheduler = await schedulerFactory.GetScheduler(context.CancellationToken);
        await scheduler.DeleteJobs([new JobKey(context.Message.TokenId.ToString("D"), Group)], context.CancellationToken);
    }
}
