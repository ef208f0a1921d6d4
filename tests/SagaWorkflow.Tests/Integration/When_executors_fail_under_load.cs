using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// The failover promise under load: with many workflows in flight, one executor is killed and another frozen; every
/// workflow still completes, every node has exactly one applied success (its current attempt), and SQL shows the
/// fenced-off attempts.
/// </summary>
[Collection(IntegrationCollections.Load)]
public sealed class When_executors_fail_under_load(ITestOutputHelper output)
{
    private const int Workflows = 60;
    private const int ChainLength = 3;

    [IntegrationTheory, Stores]
    public async Task Killing_one_and_freezing_another_loses_no_node_and_applies_none_twice(Store store)
    {
        // The survivor has the capacity of all three: after the strike it runs the rest of the 180 three-second nodes
        // alone, and at 8 slots that took a minute of the test's waiting.
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator()
            .Executor("executor-killed", "delay", concurrency: 8).Executor("executor-frozen", "delay", concurrency: 8).Executor("executor-survivor", "delay", concurrency: 24));
        var (environment, killed, frozen) = (cluster.Environment, cluster["executor-killed"], cluster["executor-frozen"]);

        // 3 s nodes: an executor reports a start only after a delay, and a 1 s node could be done by the time the test,
        // having seen it running, froze its executor (a busy CI machine then froze an executor holding nothing).
        await Shapes.SubmitAllAsync(environment, Enumerable.Range(0, Workflows).Select(_ => Shapes.Chain(ChainLength, "delay", new { ms = 3000 })));
        // Strike mid-run: some nodes done, both victims holding running nodes. The one to freeze must have started a
        // node within the last second, so that node is still running when the freeze lands: a node seen running may
        // have started nearly 3 s before (its NodeStarted waits behind a loaded orchestrator), and in one CI run every
        // node the frozen executor held finished before the freeze, so it held nothing to declare lost.
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded'") >= 20
                && await RunningOnAsync(environment, killed.Name) > 0 && await StartedWithinAsync(environment, frozen.Name, TimeSpan.FromSeconds(1)),
            TimeSpan.FromMinutes(1), () => Task.FromResult("the run never had both victims busy after 20 nodes"));
        // Frozen first: SIGSTOP lands at once, while the kill waits for the process to be gone.
        await frozen.Freeze();
        await killed.KillHard();

        await Shapes.WaitForFinishedAsync(environment, Workflows, TimeSpan.FromMinutes(3));
        var states = await environment.QueryAsync("SELECT current_state, COUNT(*) FROM workflow_instances GROUP BY current_state");
        Assert.Equal(["Completed", (long)Workflows], Assert.Single(states));
        Assert.Equal(Workflows * ChainLength, await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded'"));
        // Exactly one applied (not late) success per node, and it is the node's current attempt.
        var doubles = await environment.QueryAsync("""
            SELECT n.workflow_id, n.node_id, n.attempt, COUNT(a.attempt) FROM workflow_nodes n
            LEFT JOIN node_attempts a ON a.workflow_id = n.workflow_id AND a.node_id = n.node_id AND a.outcome = 'succeeded' AND NOT a.arrived_late
            GROUP BY n.workflow_id, n.node_id, n.attempt
            HAVING COUNT(a.attempt) <> 1 OR MIN(a.attempt) <> n.attempt
            """);
        Assert.True(doubles.Count == 0, "nodes without exactly one applied success: " + string.Join("; ", doubles.Select(r => string.Join(" ", r))));
        // The frozen executor's running attempts were superseded (attempt + 1 elsewhere) and it was declared lost.
        Assert.True(await environment.CountAsync($"SELECT COUNT(*) FROM node_attempts WHERE executor_id = '{frozen.Name}' AND outcome = 'lost'") > 0);
        Assert.True(await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE failovers > 0") > 0);
        await Failover.WaitForExecutorAsync(environment, killed.Name, "Lost", TimeSpan.FromSeconds(30));
        Assert.Equal("Lost", (await environment.QueryAsync($"SELECT current_state FROM executors WHERE executor_id = '{frozen.Name}'")).Single()[0]);

        // Thawed, it finishes or cancels what it held: those results are recorded as late and change nothing.
        await frozen.Thaw();
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync($"SELECT COUNT(*) FROM node_attempts WHERE executor_id = '{frozen.Name}' AND arrived_late") > 0,
            TimeSpan.FromSeconds(60), () => Task.FromResult("the thawed executor's late results were never recorded"));
        Assert.Equal(Workflows * ChainLength, await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded'"));
        Assert.Equal(Workflows, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
    }

    /// <summary>Whether a node running on the executor started less than <paramref name="age"/> ago (its executor's clock: this machine's).</summary>
    private static async Task<bool> StartedWithinAsync(IntegrationEnvironment environment, string executorId, TimeSpan age)
    {
        var started = await environment.QueryAsync($"SELECT started_at FROM workflow_nodes WHERE state = 'running' AND executor_id = '{executorId}'");
        var now = DateTime.UtcNow;
        return started.Any(row => row[0] is DateTime at && now - DateTime.SpecifyKind(at, DateTimeKind.Utc) < age);
    }

    private static Task<long> RunningOnAsync(IntegrationEnvironment environment, string executorId) =>
        environment.CountAsync($"SELECT COUNT(*) FROM workflow_nodes WHERE state = 'running' AND executor_id = '{executorId}'");
}
