using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Quartz;
using SagaWorkflow.Orchestrator.Retention;
using SagaWorkflow.Orchestrator.Scheduling;
using SagaWorkflow.Persistence;
using SagaWorkflow.Tests.Integration;
using SagaWorkflow.Tests.Persistence;

namespace SagaWorkflow.Tests.Retention;

/// <summary>
/// The job as an orchestrator schedules it from <c>Retention:*</c>: in Quartz's clustered database store on MySQL and
/// PostgreSQL, in its SQLite file in local mode.
/// </summary>
public sealed class When_the_retention_job_is_enabled
{
    [Theory, Providers]
    public async Task It_purges_old_finished_workflows_from_the_start_every_interval_and_is_unscheduled_once_disabled(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        var factory = database.Factory;
        var now = DateTime.UtcNow;
        var old = await RetentionSeed.OneAsync(factory, "Completed", now.AddDays(-31), now.AddDays(-31));
        await RetentionSeed.FireAsync(factory, "nightly", now.AddDays(-31), old);
        var young = await RetentionSeed.OneAsync(factory, "Completed", now.AddDays(-29), now.AddDays(-29));
        var running = await RetentionSeed.OneAsync(factory, "Running", null, now.AddDays(-60));

        await using var host = await RetentionHost.StartAsync(database, new Dictionary<string, string?>
        {
            ["Retention:Enabled"] = "true", ["Retention:OlderThan"] = "30d", ["Retention:Interval"] = "6h",
        });
        await Eventually.WaitUntilAsync(async () => !(await RetentionSeed.RemainingAsync(factory)).Workflows.Contains(old), TimeSpan.FromSeconds(30),
            async () => $"the old workflow is still there: {string.Join(", ", (await RetentionSeed.RemainingAsync(factory)).Workflows)}");

        var left = await RetentionSeed.RemainingAsync(factory);
        Assert.Equal(new[] { young, running }.Order(), left.Workflows.Order());
        Assert.Equal(left.Workflows.Order(), left.AttemptsOf.Order());
        Assert.Empty(left.Fires);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var trigger = await scheduler.GetTrigger(new TriggerKey(RetentionJob.Key.Name, RetentionJob.Key.Group));
        Assert.Equal(TimeSpan.FromHours(6), Assert.IsAssignableFrom<ISimpleTrigger>(trigger).RepeatInterval);
        var metrics = await host.Anonymous.GetStringAsync("/metrics");
        foreach (var table in new[] { "workflow_instances", "workflow_nodes", "node_attempts", "schedule_fires" })
            Assert.Matches(Purged(table), metrics);

        // What the next orchestrator started with Retention:Enabled false does to the stored schedule.
        var disabled = new RetentionSchedule(host.Services.GetRequiredService<ISchedulerFactory>(), new BusReadiness(), Options.Create(new RetentionOptions()),
            TimeProvider.System, NullLogger<RetentionSchedule>.Instance);
        await disabled.ApplyAsync(scheduler, CancellationToken.None);
        Assert.False(await scheduler.Exists(RetentionJob.Key));
    }

    // Another test in this process may have purged rows too (the meter is per process): at least this test's row counts.
    private static Regex Purged(string table) => new($"(?m)^sagaworkflow_retention_rows_purged_total\\{{table=\"{table}\"\\}} [1-9][0-9]*");
}
