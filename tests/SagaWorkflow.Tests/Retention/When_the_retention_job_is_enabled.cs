using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SagaWorkflow.Orchestrator.Retention;
using SagaWorkflow.Persistence;
using SagaWorkflow.Tests.Integration;
using SagaWorkflow.Tests.Persistence;

namespace SagaWorkflow.Tests.Retention;

/// <summary>The clustered job as an orchestrator schedules it from <c>Retention:*</c> (local mode: Quartz on SQLite).</summary>
public sealed class When_the_retention_job_is_enabled
{
    [Fact]
    public async Task It_purges_old_finished_workflows_at_start_and_every_interval_and_is_removed_once_disabled()
    {
        await using var database = await ScratchDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var factory = database.Factory;
        var now = DateTime.UtcNow;
        var old = await RetentionSeed.OneAsync(factory, "Completed", now.AddDays(-31), now.AddDays(-31));
        await RetentionSeed.FireAsync(factory, "nightly", now.AddDays(-31), old);
        var young = await RetentionSeed.OneAsync(factory, "Completed", now.AddDays(-29), now.AddDays(-29));
        var running = await RetentionSeed.OneAsync(factory, "Running", null, now.AddDays(-60));

        await using (var host = await RetentionHost.StartAsync(database, new Dictionary<string, string?>
        {
            ["Retention:Enabled"] = "true", ["Retention:OlderThan"] = "30d", ["Retention:Interval"] = "6h",
        }))
        {
            await Eventually.WaitUntilAsync(async () => !(await RetentionSeed.RemainingAsync(factory)).Workflows.Contains(old), TimeSpan.FromSeconds(30),
                async () => $"the old workflow is still there: {string.Join(", ", (await RetentionSeed.RemainingAsync(factory)).Workflows)}");

            var left = await RetentionSeed.RemainingAsync(factory);
            Assert.Equal(new[] { young, running }.Order(), left.Workflows.Order());
            Assert.Equal(left.Workflows.Order(), left.AttemptsOf.Order());
            Assert.Empty(left.Fires);
            var trigger = await (await SchedulerOf(host)).GetTrigger(new TriggerKey(RetentionJob.Key.Name, RetentionJob.Key.Group));
            Assert.Equal(TimeSpan.FromHours(6), Assert.IsAssignableFrom<ISimpleTrigger>(trigger).RepeatInterval);
            var metrics = await host.Anonymous.GetStringAsync("/metrics");
            foreach (var table in new[] { "workflow_instances", "workflow_nodes", "node_attempts", "schedule_fires" })
                Assert.Matches(Purged(table), metrics);
        }

        await using (var host = await RetentionHost.StartAsync(database))
        {
            var scheduler = await SchedulerOf(host);
            await Eventually.WaitUntilAsync(async () => !await scheduler.Exists(RetentionJob.Key), TimeSpan.FromSeconds(30),
                () => Task.FromResult("the retention job is still scheduled with Retention:Enabled false"));
        }
    }

    private static Task<IScheduler> SchedulerOf(RetentionHost host) =>
        host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler().AsTask();

    // Another test in this process may have purged rows too (the meter is per process): at least this test's row counts.
    private static Regex Purged(string table) => new($"(?m)^sagaworkflow_retention_rows_purged_total\\{{table=\"{table}\"\\}} [1-9][0-9]*");
}
