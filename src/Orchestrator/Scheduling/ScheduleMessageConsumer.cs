using System.Text.Json;
using MassTransit;
using MassTransit.Scheduling;
using MassTransit.Serialization;
using Quartz;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// MassTransit's message scheduler, backed by Quartz's persistent, clustered store: <c>ScheduleMessage</c> stores one
/// trigger per token (re-scheduling a token replaces it), <c>CancelScheduledMessage</c> removes it. Sagas reach it
/// through <c>ScheduleSend</c> / <c>Schedule</c> because the bus is configured with <c>UseMessageScheduler</c>
/// pointing at this endpoint (<see cref="SchedulingRegistration.SchedulerQueue"/>).
/// </summary>
public sealed class ScheduleMessageConsumer(ISchedulerFactory schedulerFactory) : IConsumer<ScheduleMessage>, IConsumer<CancelScheduledMessage>
{
    public const string Group = "scheduled-messages";

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
        await scheduler.ScheduleJob(job, trigger, ScheduleJobOptions.Replacing, context.CancellationToken);
    }

    /// <summary>
    /// Idempotent: a timer already gone (fired, or cancelled before) is fine. Quartz's DeleteJob lists the job's
    /// triggers and then unschedules each, and throws when one vanished in between — the timer fired meanwhile, or a
    /// cluster member recovering a dead one's jobs removed it (seen in bench/chaos.sh after kill -9 of an orchestrator:
    /// "Unable to unschedule trigger ... while deleting job", in scheduler_error). Then it looks again.
    /// </summary>
    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        var scheduler = await schedulerFactory.GetScheduler(context.CancellationToken);
        var key = new JobKey(context.Message.TokenId.ToString("D"), Group);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await scheduler.DeleteJob(key, context.CancellationToken);
                return;
            }
            catch (SchedulerException) when (attempt < 3)
            {
                if (!await scheduler.Exists(key, context.CancellationToken))
                    return;
            }
        }
    }
}
