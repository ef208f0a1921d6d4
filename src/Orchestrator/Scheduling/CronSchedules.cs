using System.Text.Json;
using System.Text.Json.Serialization;
using Quartz;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Scheduling;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>Operations on cron schedules: create (validated first, nothing half-stored), list with next fire times, pause, resume, delete.</summary>
public sealed class CronSchedules(ISchedulerFactory schedulerFactory, WorkflowDbContextFactory dbContextFactory, TimeProvider time)
{
    public const string Group = "cron";

    public static JsonSerializerOptions Json { get; } = CreateJson();

    public async Task CreateAsync(CronSchedule schedule, CancellationToken cancellationToken)
    {
        var errors = CronScheduleValidator.Validate(schedule);
        if (errors.Count > 0)
            throw new CronScheduleException(schedule.Id, errors);
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        if (await scheduler.Exists(new JobKey(schedule.Id, Group), cancellationToken))
            throw new CronScheduleException(schedule.Id, [$"a schedule with id '{schedule.Id}' exists already; delete it first"], CronScheduleProblem.Exists);

        await scheduler.ScheduleJob(Job(schedule), Trigger(schedule, time.GetUtcNow()), ScheduleJobOptions.Replacing, cancellationToken);
        if (!schedule.Enabled)
            await scheduler.PauseTrigger(new TriggerKey(schedule.Id, Group), cancellationToken);
    }

    public async Task<IReadOnlyList<CronScheduleStatus>> ListAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var statuses = new List<CronScheduleStatus>();
        foreach (var key in (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), cancellationToken)).OrderBy(k => k.Name, StringComparer.Ordinal))
        {
            var job = await scheduler.GetJobDetail(key, cancellationToken);
            var trigger = await scheduler.GetTrigger(new TriggerKey(key.Name, Group), cancellationToken);
            if (job is null || trigger is null)
                continue;
            var schedule = JsonSerializer.Deserialize<CronSchedule>(job.JobDataMap.GetString(CronFireJob.ScheduleJson)!, Json)!;
            var state = await scheduler.GetTriggerState(trigger.Key, cancellationToken);
            statuses.Add(new CronScheduleStatus(schedule.Id, schedule.Cron, schedule.TimeZone, state.ToString(),
                trigger.NextFireTimeUtc, trigger.PreviousFireTimeUtc, schedule.Misfire));
        }

        return statuses;
    }

    public async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken) =>
        await (await schedulerFactory.GetScheduler(cancellationToken)).Exists(new JobKey(id, Group), cancellationToken);

    public async Task PauseAsync(string id, CancellationToken cancellationToken)
    {
        var scheduler = await RequireAsync(id, cancellationToken);
        await scheduler.PauseTrigger(new TriggerKey(id, Group), cancellationToken);
    }

    /// <summary>
    /// Resumes from now: the fire times that passed while paused are recorded as skipped (paused) and not caught up,
    /// whatever the misfire policy (that policy is for outages, not for an operator's pause).
    /// </summary>
    public async Task ResumeAsync(string id, CancellationToken cancellationToken)
    {
        var scheduler = await RequireAsync(id, cancellationToken);
        var trigger = await scheduler.GetTrigger(new TriggerKey(id, Group), cancellationToken);
        var now = time.GetUtcNow();
        for (var t = trigger?.NextFireTimeUtc; t is { } due && due <= now; t = trigger!.GetFireTimeAfter(due))
        {
            await CronLedger.RecordAsync(dbContextFactory, new ScheduleFire
            {
                ScheduleId = id, FireTime = due.UtcDateTime, Outcome = "skipped", Reason = "paused", RecordedAt = now.UtcDateTime,
            }, cancellationToken);
        }

        var job = await scheduler.GetJobDetail(new JobKey(id, Group), cancellationToken);
        var schedule = JsonSerializer.Deserialize<CronSchedule>(job!.JobDataMap.GetString(CronFireJob.ScheduleJson)!, Json)!;
        await scheduler.ScheduleJob(Job(schedule), Trigger(schedule, now), ScheduleJobOptions.Replacing, cancellationToken);
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var scheduler = await RequireAsync(id, cancellationToken);
        await scheduler.DeleteJob(new JobKey(id, Group), cancellationToken);
    }

    private async Task<IScheduler> RequireAsync(string id, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        if (!await scheduler.Exists(new JobKey(id, Group), cancellationToken))
            throw new CronScheduleException(id, [$"no schedule has the id '{id}'"], CronScheduleProblem.NotFound);
        return scheduler;
    }

    private static IJobDetail Job(CronSchedule schedule) => JobBuilder.Create<CronFireJob>()
        .WithIdentity(schedule.Id, Group)
        .UsingJobData(CronFireJob.ScheduleJson, JsonSerializer.Serialize(schedule, Json))
        .RequestRecovery()
        .Build();

    private static ITrigger Trigger(CronSchedule schedule, DateTimeOffset startAt)
    {
        CronScheduleValidator.TryFindTimeZone(schedule.TimeZone, out var zone);
        var cron = CronScheduleBuilder.Create(schedule.Cron).InTimeZone(zone)
            .WithMisfireInstruction(schedule.Misfire == MisfirePolicy.Skip ? CronTriggerMisfireInstruction.DoNothing : CronTriggerMisfireInstruction.FireAndProceed);
        return TriggerBuilder.Create().WithIdentity(schedule.Id, Group).StartAt(startAt).WithSchedule(cron)
            .WithMisfireThreshold(schedule.MisfireThreshold).Build();
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(WorkflowDefinitionParser.SerializerOptions) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}

public sealed record CronScheduleStatus(string Id, string Cron, string TimeZone, string State, DateTimeOffset? NextFireTime,
    DateTimeOffset? PreviousFireTime, MisfirePolicy Misfire);

/// <summary>Why a schedule operation was refused: the schedule is invalid, its id is taken, or there is no such schedule.</summary>
public enum CronScheduleProblem
{
    Invalid,
    Exists,
    NotFound,
}

/// <summary>A schedule operation refused, with every reason.</summary>
public sealed class CronScheduleException(string id, IReadOnlyList<string> errors, CronScheduleProblem problem = CronScheduleProblem.Invalid)
    : Exception($"schedule '{id}': {string.Join("; ", errors)}")
{
    public IReadOnlyList<string> Errors { get; } = errors;
    public CronScheduleProblem Problem { get; } = problem;
}
