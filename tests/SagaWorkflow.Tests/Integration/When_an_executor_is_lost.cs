using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>Executors that die (kill -9) or hang (SIGSTOP) mid-node: the node completes elsewhere, once, and SQL says who ran what.</summary>
public sealed class When_an_executor_is_lost(ITestOutputHelper output)
{
    [IntegrationTheory, Stores]
    public async Task A_killed_executor_loses_its_node_to_the_other_at_once_and_is_marked_lost(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator()
            .Executor("executor-1", "delay", concurrency: 1).Executor("executor-2", "delay", concurrency: 1));
        var (environment, first, second) = (cluster.Environment, cluster["executor-1"], cluster["executor-2"]);

        await Shapes.SubmitAllAsync(environment, [Shapes.Chain(1, "delay", new { ms = 5000 })]);
        await Failover.WaitForRunningAsync(environment, 1);
        var victim = (string)(await environment.QueryAsync("SELECT executor_id FROM workflow_nodes")).Single()[0]!;
        var (killed, survivor) = victim == first.Name ? (first, second) : (second, first);
        await killed.KillHard();
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(2));

        // The broker returned the unacked command at once, so the same attempt ran on the survivor: one success, and the
        // attempt's row says whose it was first. Nothing waited for the heartbeat timeout.
        Assert.Equal(["succeeded", survivor.Name, 1, 0], (await environment.QueryAsync("SELECT state, executor_id, attempt, failovers FROM workflow_nodes")).Single());
        Assert.Equal([1, survivor.Name, "succeeded", false, killed.Name], (await Failover.AttemptsAsync(environment)).Single());
        await Failover.WaitForExecutorAsync(environment, killed.Name, "Lost", TimeSpan.FromSeconds(30));
        Assert.StartsWith("no heartbeat", (string)(await environment.QueryAsync($"SELECT lost_reason FROM executors WHERE executor_id = '{killed.Name}'")).Single()[0]!,
            StringComparison.Ordinal);
        Assert.Equal("Completed", (await environment.QueryAsync("SELECT current_state FROM workflow_instances")).Single()[0]);
    }

    [IntegrationTheory, Stores]
    public async Task A_frozen_executor_is_declared_lost_its_node_completes_elsewhere_and_its_late_result_is_fenced(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator()
            .Executor("executor-1", "delay", concurrency: 1).Executor("executor-2", "delay", concurrency: 1));
        var (environment, first, second) = (cluster.Environment, cluster["executor-1"], cluster["executor-2"]);

        await Shapes.SubmitAllAsync(environment, [Shapes.Chain(1, "delay", new { ms = 4000 })]);
        await Failover.WaitForRunningAsync(environment, 1);
        var victim = (string)(await environment.QueryAsync("SELECT executor_id FROM workflow_nodes")).Single()[0]!;
        var (frozen, survivor) = victim == first.Name ? (first, second) : (second, first);
        await frozen.Freeze();
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(2));

        // Its connection stayed open, so only the missing heartbeats gave it away: attempt 2 ran on the survivor.
        Assert.Equal(["succeeded", survivor.Name, 2, 1], (await environment.QueryAsync("SELECT state, executor_id, attempt, failovers FROM workflow_nodes")).Single());
        Assert.Equal("Lost", (await environment.QueryAsync($"SELECT current_state FROM executors WHERE executor_id = '{frozen.Name}'")).Single()[0]);
        var attempts = await Failover.AttemptsAsync(environment);
        Assert.Equal([1, frozen.Name, "lost", false, null], attempts[0]);
        Assert.Equal([2, survivor.Name, "succeeded", false, null], attempts[1]);

        // Woken up, it finishes (or is told to cancel) attempt 1: that result is recorded as late and changes nothing.
        await frozen.Thaw();
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM node_attempts WHERE attempt = 1 AND arrived_late") == 1,
            TimeSpan.FromSeconds(60), () => Task.FromResult("the thawed executor's late result was never recorded"));
        Assert.Equal(["succeeded", survivor.Name, 2], (await environment.QueryAsync("SELECT state, executor_id, attempt FROM workflow_nodes")).Single());
        Assert.Equal("Completed", (await environment.QueryAsync("SELECT current_state FROM workflow_instances")).Single()[0]);
        await Failover.WaitForExecutorAsync(environment, frozen.Name, "Online", TimeSpan.FromSeconds(30));
    }

    [IntegrationTheory, Stores]
    public async Task A_park_node_whose_executor_dies_waits_in_doubt_without_running_again_until_an_operator_resolves_it(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Settings(s => Failover.WithOperatorKey(s)).Orchestrator()
            .Executor("executor-1", "delay", concurrency: 1).Executor("executor-2", "delay", concurrency: 1));
        var (environment, orchestrator, first, second) = (cluster.Environment, cluster["orchestrator"], cluster["executor-1"], cluster["executor-2"]);

        var definition = Shapes.Definition("payment", [
            new { id = "charge", capability = "delay", input = new { ms = 3000 }, onExecutorLost = "park" },
            Shapes.Node("receipt", "delay", new { ms = 10 }, "charge"),
        ]);
        var workflowId = (await Shapes.SubmitAllAsync(environment, [definition])).Single();
        await Failover.WaitForRunningAsync(environment, 1);
        var victim = (string)(await environment.QueryAsync("SELECT executor_id FROM workflow_nodes WHERE node_id = 'charge'")).Single()[0]!;
        var (killed, survivor) = victim == first.Name ? (first, second) : (second, first);
        await killed.KillHard();

        // The survivor gets the redelivered command but must not charge twice: it hands it back unrun, and the node parks.
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE node_id = 'charge' AND state = 'in_doubt'") == 1,
            TimeSpan.FromSeconds(60), async () => string.Join(",", (await environment.QueryAsync("SELECT state, error FROM workflow_nodes WHERE node_id = 'charge'")).Single()));
        Assert.Equal(["pending", 0], (await environment.QueryAsync("SELECT state, attempt FROM workflow_nodes WHERE node_id = 'receipt'")).Single());
        Assert.Equal("Running", (await environment.QueryAsync("SELECT current_state FROM workflow_instances")).Single()[0]);
        Assert.DoesNotContain(survivor.Output.Split('\n'), l => l.Contains("Delay", StringComparison.Ordinal) && l.Contains("charge", StringComparison.Ordinal));
        Assert.Equal(1, await environment.CountAsync("SELECT COUNT(*) FROM node_attempts WHERE node_id = 'charge'"));

        // The operator checked the payment provider: it went through. Mark it succeeded with that output; the branch resumes.
        await Failover.SagaflowAsync(orchestrator, "resolve", workflowId.ToString(), "charge", "succeed", "--output", """{"charged":true}""");
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));
        Assert.Equal("Completed", (await environment.QueryAsync("SELECT current_state FROM workflow_instances")).Single()[0]);
        Assert.Equal(["succeeded", 1], (await environment.QueryAsync("SELECT state, attempt FROM workflow_nodes WHERE node_id = 'charge'")).Single());
        var row = (await environment.QueryAsync("SELECT attempt, outcome, error FROM node_attempts WHERE node_id = 'charge'")).Single();
        Assert.Equal([1, "succeeded"], row[..2]);
        Assert.StartsWith("resolved by operator: succeed", (string)row[2]!, StringComparison.Ordinal);
    }
}
