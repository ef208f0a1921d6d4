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

    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        var scheduler = await schedulerFactory.GetScheduler(context.CancellationToken);
        await scheduler.DeleteJob(new JobKey(context.Message.TokenId.ToString("D"), Group), context.CancellationToken);
    }
}
