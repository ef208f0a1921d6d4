using System.Text.Json;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

public sealed class When_cron_schedules_fire_on_a_cluster(ITestOutputHelper output)
{
    private static string Schedule(string id, string cron, string misfire = "FireOnceNow") => JsonSerializer.Serialize(new
    {
        id, cron, timeZone = "UTC", misfire, misfireThreshold = "00:00:01",
        workflow = new { name = id, nodes = new[] { new { id = "t", capability = "noop" } } },
    });

    /// <summary>As an operator does it: sagaflow schedule create, through a running orchestrator's API.</summary>
    private static async Task CreateThroughApiAsync(ServiceProcess orchestrator, string id, string cron)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{id}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, Schedule(id, cron));
        try
        {
            await Failover.SagaflowAsync(orchestrator, "schedule", "create", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Straight into the store: the misfire test needs schedules while every orchestrator (and so the API) is down.</summary>
    private static Task CreateInStoreAsync(IntegrationEnvironment environment, string id, string cron, string misfire) =>
        Scheduling.ScheduleStore.CreateAsync(environment.DatabaseSettings(),
            JsonSerializer.Deserialize<SagaWorkflow.Orchestrator.Scheduling.CronSchedule>(Schedule(id, cron, misfire), SagaWorkflow.Orchestrator.Scheduling.CronSchedules.Json)!);

    private static Task<long> CountAsync(IntegrationEnvironment environment, string where) =>
        environment.CountAsync($"SELECT COUNT(*) FROM schedule_fires WHERE {where}");

    [IntegrationTheory, Stores]
    public async Task A_schedule_every_second_with_two_orchestrators_fires_once_per_second_without_duplicates(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Settings(s => Failover.WithOperatorKey(s))
            .Orchestrator("orchestrator-1").Orchestrator("orchestrator-2").Executor("executor", "noop", concurrency: 4));
        var (environment, first) = (cluster.Environment, cluster["orchestrator-1"]);

        await CreateThroughApiAsync(first, "tick", "* * * * * ?");
        await Eventually.WaitUntilAsync(async () => await CountAsync(environment, "outcome = 'fired'") >= 6, TimeSpan.FromMinutes(1),
            async () => $"{await CountAsync(environment, "outcome = 'fired'")} fires");
        await Shapes.WaitForFinishedAsync(environment, 6, TimeSpan.FromMinutes(1));

        var fires = (await environment.QueryAsync("SELECT fire_time FROM schedule_fires WHERE outcome = 'fired' ORDER BY fire_time")).Select(r => (DateTime)r[0]!).ToList();
        var planned = (await environment.QueryAsync("SELECT fire_time FROM schedule_fires ORDER BY fire_time")).Select(r => (DateTime)r[0]!).ToList();
        // Each fire recorded so far becomes exactly one run: awaited, because the schedule keeps firing and the saga stores
        // a run a moment after its fire is recorded (on a busy machine the newest fire's run may not be there yet).
        var firedIds = (await environment.QueryAsync("SELECT workflow_id FROM schedule_fires WHERE outcome = 'fired'")).Select(r => r[0]!.ToString()!).ToList();
        await Eventually.WaitUntilAsync(async () =>
            {
                var runs = (await environment.QueryAsync("SELECT correlation_id FROM workflow_instances")).Select(r => r[0]!.ToString()!).ToHashSet();
                return firedIds.TrueForAll(runs.Contains);
            }, TimeSpan.FromSeconds(30), () => Task.FromResult($"not every one of {firedIds.Count} fires has its run"));
        var workflows = await environment.QueryAsync("SELECT scheduled_fire_time FROM workflow_instances WHERE triggered_by = 'cron' AND schedule_id = 'tick'");
        Assert.Equal(workflows.Count, workflows.Select(r => r[0]).Distinct().Count());
        // And no run without its fire in the ledger (two orchestrators firing one second would show here).
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances w WHERE w.triggered_by = 'cron'"
                + " AND NOT EXISTS (SELECT 1 FROM schedule_fires f WHERE f.workflow_id = w.correlation_id)") == 0,
            TimeSpan.FromSeconds(30), () => Task.FromResult("a cron run has no fire in the ledger"));
        Assert.All(fires, f => Assert.Equal(0, f.Millisecond));
        // Every planned second is in the ledger exactly once (fired, or skipped with a reason if the box was too
        // loaded to fire it in time): no gap, no double.
        Assert.All(planned.Zip(planned.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.Second - pair.First));
    }

    [IntegrationTheory, Stores]
    public async Task Fire_times_missed_while_every_orchestrator_was_down_are_handled_per_policy_and_recorded(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output);
        var environment = cluster.Environment;
        await CreateInStoreAsync(environment, "catch-up", "* * * * * ?", "FireOnceNow");
        await CreateInStoreAsync(environment, "skipper", "* * * * * ?", "Skip");
        var created = DateTime.UtcNow;
        // Nothing runs now: let a few planned seconds pass with every orchestrator down.
        await Eventually.WaitUntilAsync(() => Task.FromResult(DateTime.UtcNow - created > TimeSpan.FromSeconds(4)), TimeSpan.FromSeconds(10), () => Task.FromResult("time"));

        // Fire times before this moment passed with every orchestrator down. A busy machine can make a later one late too
        // (the process is still starting), and that one is handled by the same policy: the checks below are about these.
        var down = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
        await cluster.StartOrchestratorAsync();
        await cluster.StartExecutorAsync("executor", "noop", concurrency: 4);
        await Eventually.WaitUntilAsync(
            async () => await CountAsync(environment, "schedule_id = 'skipper' AND outcome = 'fired'") >= 2
                && await CountAsync(environment, "schedule_id = 'catch-up' AND outcome = 'fired'") >= 2,
            TimeSpan.FromMinutes(1), async () => string.Join(", ", (await environment.QueryAsync(
                "SELECT schedule_id, outcome, COALESCE(reason, ''), COUNT(*) FROM schedule_fires GROUP BY 1, 2, 3")).Select(r => string.Join("/", r))));

        var rows = string.Join("\n", (await environment.QueryAsync("SELECT schedule_id, fire_time, outcome, reason, recorded_at FROM schedule_fires ORDER BY schedule_id, fire_time")).Select(r => string.Join(" ", r.Select(v => v is DateTime d ? d.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) : v))));
        // Skip: every missed second is a skipped row, and no run started late.
        Assert.True(await CountAsync(environment, "schedule_id = 'skipper' AND outcome = 'skipped' AND reason LIKE 'misfire%'") >= 3, rows);
        Assert.True(await CountAsync(environment, "schedule_id = 'skipper' AND outcome = 'fired' AND reason IS NOT NULL") == 0, rows);
        // Fire once now: the missed seconds are skipped rows, and one of them started a single late run.
        Assert.True(await CountAsync(environment, "schedule_id = 'catch-up' AND outcome = 'skipped' AND reason LIKE 'misfire%'") >= 2, rows);
        Assert.True(await CountAsync(environment, $"schedule_id = 'catch-up' AND reason = 'misfire: fired once late' AND fire_time < '{down}'") == 1, rows);
        // Every fired row becomes a workflow, and every cron workflow has its fired row. The schedules keep firing, so
        // the fires are those recorded up to now (a later one may not have its run yet however busy the box is), and
        // this is awaited: the saga stores a run shortly after its fire is recorded.
        var fired = (await environment.QueryAsync("SELECT workflow_id FROM schedule_fires WHERE outcome = 'fired'")).Select(r => r[0]!.ToString()!).ToList();
        const string RunsWithoutFire = """
            SELECT w.schedule_id, w.scheduled_fire_time, w.created_at FROM workflow_instances w WHERE w.triggered_by = 'cron'
              AND NOT EXISTS (SELECT 1 FROM schedule_fires f WHERE f.workflow_id = w.correlation_id)
            """;
        List<string> missing = [];
        await Eventually.WaitUntilAsync(async () =>
            {
                var runs = (await environment.QueryAsync("SELECT correlation_id FROM workflow_instances")).Select(r => r[0]!.ToString()!).ToHashSet();
                missing = fired.Where(id => !runs.Contains(id)).ToList();
                return missing.Count == 0 && (await environment.QueryAsync(RunsWithoutFire)).Count == 0;
            }, TimeSpan.FromSeconds(30),
            async () => $"fires without run: {string.Join(", ", missing)}; runs without fire: "
                + string.Join("; ", (await environment.QueryAsync(RunsWithoutFire)).Select(r => string.Join(" ", r))) + "\n" + rows);
    }
}
