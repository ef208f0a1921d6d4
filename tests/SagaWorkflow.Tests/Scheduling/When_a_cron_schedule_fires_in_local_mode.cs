using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Orchestrator.Scheduling;
using SagaWorkflow.Tests.Integration;
using SagaWorkflow.Tests.LocalMode;

namespace SagaWorkflow.Tests.Scheduling;

public sealed class When_a_cron_schedule_fires_in_local_mode
{
    [Fact]
    public async Task Every_second_fire_starts_one_workflow_recorded_in_the_ledger_and_pause_records_skips()
    {
        using var run = new LocalRun();
        var settings = new Dictionary<string, string?> { ["Database:ConnectionString"] = $"Data Source={run.DatabasePath}" };
        await ScheduleStore.CreateAsync(settings, JsonSerializer.Deserialize<CronSchedule>(JsonSerializer.Serialize(new
        {
            id = "every-second", cron = "* * * * * ?", timeZone = "UTC",
            workflow = new { name = "tick", nodes = new[] { new { id = "t", capability = "noop" } } },
        }), CronSchedules.Json)!);

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddWorkflowOrchestrator();
        using var host = builder.Build();
        await host.MigrateWorkflowDatabaseAsync(CancellationToken.None);
        await host.StartAsync();

        await Eventually.WaitUntilAsync(() => Task.FromResult(Fired(run) >= 3), TimeSpan.FromMinutes(1), () => Task.FromResult($"{Fired(run)} fires"));
        var schedules = host.Services.GetRequiredService<CronSchedules>();
        await schedules.PauseAsync("every-second", CancellationToken.None);
        var paused = Assert.Single(await schedules.ListAsync(CancellationToken.None));
        Assert.Equal("Paused", paused.State);
        // The schedule's next fire time passes while it is paused (at most a second away); resuming records it as skipped.
        var due = paused.NextFireTime!.Value;
        await Eventually.WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > due), TimeSpan.FromSeconds(10), () => Task.FromResult($"{due:O} never passed"));
        await schedules.ResumeAsync("every-second", CancellationToken.None);
        await Eventually.WaitUntilAsync(
            () => Task.FromResult((long)run.Query("SELECT COUNT(*) FROM workflow_instances WHERE triggered_by = 'cron' AND current_state = 'Completed'")[0][0]! >= Fired(run)),
            TimeSpan.FromMinutes(1), () => Task.FromResult("cron workflows never completed"));
        await host.StopAsync();

        var fired = run.Query("SELECT f.fire_time, w.scheduled_fire_time, w.schedule_id FROM schedule_fires f JOIN workflow_instances w ON w.correlation_id = f.workflow_id WHERE f.outcome = 'fired'");
        Assert.Equal(Fired(run), fired.Count);
        Assert.All(fired, r => Assert.Equal("every-second", r[2]));
        Assert.Equal(fired.Count, fired.Select(r => r[0]).Distinct().Count());
        Assert.Equal(fired.Count, (long)run.Query("SELECT COUNT(*) FROM workflow_instances WHERE triggered_by = 'cron'")[0][0]!);
        Assert.NotEmpty(run.Query("SELECT fire_time FROM schedule_fires WHERE outcome = 'skipped' AND reason = 'paused'"));
    }

    private static long Fired(LocalRun run) => (long)run.Query("SELECT COUNT(*) FROM schedule_fires WHERE outcome = 'fired'")[0][0]!;
}
