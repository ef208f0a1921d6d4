using System.Text.Json;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Orchestrator.Scheduling;

namespace SagaWorkflow.Tests.Scheduling;

public sealed class When_validating_a_cron_schedule
{
    [Fact]
    public void A_bad_cron_an_unknown_time_zone_and_an_invalid_workflow_are_all_reported()
    {
        var schedule = new CronSchedule
        {
            Id = "nightly", Cron = "every night please", TimeZone = "Mars/Olympus_Mons",
            Workflow = new WorkflowDefinition { Name = "w", Nodes = [new NodeDefinition { Id = "a", Capability = "noop", DependsOn = ["ghost"] }] },
        };

        var errors = CronScheduleValidator.Validate(schedule);

        Assert.Contains(errors, e => e.StartsWith("cron 'every night please'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("timeZone 'Mars/Olympus_Mons'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown_dependency", StringComparison.Ordinal));
    }

    [Fact]
    public void The_shipped_example_schedule_is_valid_and_reads_its_misfire_policy()
    {
        var json = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "examples", "schedules", "diamond-every-minute.json"));
        var schedule = JsonSerializer.Deserialize<CronSchedule>(json, CronSchedules.Json)!;

        Assert.Empty(CronScheduleValidator.Validate(schedule));
        Assert.Equal(MisfirePolicy.FireOnceNow, schedule.Misfire);
        Assert.Equal("0 * * * * ?", schedule.Cron);
    }

    [Fact]
    public void The_workflow_id_of_a_fire_is_the_same_for_the_same_schedule_and_time_and_differs_otherwise()
    {
        var at = new DateTime(2026, 11, 22, 2, 0, 0, DateTimeKind.Utc);

        Assert.Equal(CronFireJob.WorkflowIdFor("nightly", at), CronFireJob.WorkflowIdFor("nightly", at));
        Assert.NotEqual(CronFireJob.WorkflowIdFor("nightly", at), CronFireJob.WorkflowIdFor("nightly", at.AddSeconds(1)));
        Assert.NotEqual(CronFireJob.WorkflowIdFor("nightly", at), CronFireJob.WorkflowIdFor("hourly", at));
    }
}
