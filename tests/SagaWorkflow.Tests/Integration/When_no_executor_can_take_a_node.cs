using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>Nodes that no online executor can take say why in <c>waiting_reason</c>, and run once one comes.</summary>
public sealed class When_no_executor_can_take_a_node(ITestOutputHelper output)
{
    private static Task WaitForReasonAsync(IntegrationEnvironment environment, string reason) =>
        Eventually.WaitUntilAsync(
            async () => await environment.CountAsync($"SELECT COUNT(*) FROM workflow_nodes WHERE waiting_reason = '{reason}'") == 1,
            TimeSpan.FromSeconds(30), async () => $"never '{reason}': " + string.Join("; ",
                (await environment.QueryAsync("SELECT state, attempt, waiting_reason FROM workflow_nodes")).Select(r => string.Join(",", r))));

    [IntegrationTheory, Stores]
    public async Task A_capability_nobody_has_waits_with_its_reason_until_an_executor_with_it_starts(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator().Executor("executor-transform", "transform", concurrency: 1));
        var environment = cluster.Environment;

        await Shapes.SubmitAllAsync(environment, [Shapes.Chain(1, "noop")]);
        await WaitForReasonAsync(environment, "no executor with capability noop online");

        var noop = await cluster.StartExecutorAsync("executor-noop", "noop", concurrency: 1);
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));
        Assert.Equal(["succeeded", noop.Name, null], (await environment.QueryAsync("SELECT state, executor_id, waiting_reason FROM workflow_nodes")).Single());
    }

    [IntegrationTheory, Stores]
    public async Task A_node_for_a_named_executor_waits_until_that_executor_starts_and_runs_there(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator().Executor("executor-other", "noop", concurrency: 1));
        var environment = cluster.Environment;

        await Shapes.SubmitAllAsync(environment, [Shapes.Definition("pinned", [new { id = "only-there", capability = "noop", executor = "executor-named" }])]);
        await WaitForReasonAsync(environment, "executor executor-named is not online");

        var named = await cluster.StartExecutorAsync("executor-named", "noop", concurrency: 1);
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));
        Assert.Equal(["succeeded", named.Name, null], (await environment.QueryAsync("SELECT state, executor_id, waiting_reason FROM workflow_nodes")).Single());
    }

    /// <summary>
    /// Regressions: attempt 2 of a node whose only executor died said nothing (the view still listed the dead executor),
    /// and the executor started later ran the superseded attempt 1 to its end beside attempt 2 (it never heard the cancel).
    /// </summary>
    [IntegrationTheory, Stores]
    public async Task The_last_executor_of_a_capability_dying_leaves_attempt_two_waiting_and_a_newcomer_stops_attempt_one(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator().Executor("executor-only", "delay", concurrency: 2));
        var (environment, only) = (cluster.Environment, cluster["executor-only"]);

        await Shapes.SubmitAllAsync(environment, [Shapes.Chain(1, "delay", new { ms = 4000 })]);
        await Failover.WaitForRunningAsync(environment, 1);
        await only.KillHard();
        // Nobody is left to take the returned command: the heartbeat timeout declares it lost and attempt 2 waits.
        await Failover.WaitForExecutorAsync(environment, only.Name, "Lost", TimeSpan.FromSeconds(30));
        await WaitForReasonAsync(environment, "no executor with capability delay online");
        Assert.Equal(2, Convert.ToInt32((await environment.QueryAsync("SELECT attempt FROM workflow_nodes")).Single()[0], System.Globalization.CultureInfo.InvariantCulture));

        // The newcomer receives both commands; attempt 1 is told to stop as soon as its start reaches the saga.
        var newcomer = await cluster.StartExecutorAsync("executor-newcomer", "delay", concurrency: 2);
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));
        Assert.Equal(["succeeded", newcomer.Name, 2, null], (await environment.QueryAsync("SELECT state, executor_id, attempt, waiting_reason FROM workflow_nodes")).Single());
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM node_attempts WHERE attempt = 1 AND arrived_late") == 1,
            TimeSpan.FromSeconds(30), () => Task.FromResult("attempt 1 on the newcomer never reported"));
        var late = (await environment.QueryAsync("SELECT outcome, error FROM node_attempts WHERE attempt = 1")).Single();
        Assert.True((string)late[0]! == "failed" && ((string?)late[1] ?? "").Contains("cancelled", StringComparison.Ordinal),
            $"attempt 1 was not stopped: {string.Join(", ", late)}");
    }
}
