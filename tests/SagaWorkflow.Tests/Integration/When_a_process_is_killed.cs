using SagaWorkflow.Tests.Integration.Faults;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

public sealed class When_a_process_is_killed(ITestOutputHelper output)
{
    [IntegrationTheory, Stores]
    public async Task An_executor_killed_mid_node_leaves_the_node_to_complete_on_another_executor_once(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator()
            .Executor("executor-1", "delay", concurrency: 1).Executor("executor-2", "delay", concurrency: 1));
        var environment = cluster.Environment;
        var (first, second) = (cluster["executor-1"], cluster["executor-2"]);

        await Shapes.SubmitAllAsync(environment, [Shapes.Chain(1, "delay", new { ms = 4000 })]);
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'running'") == 1,
            TimeSpan.FromSeconds(60), () => Task.FromResult("the node never started"));
        var victim = (string)(await environment.QueryAsync("SELECT executor_id FROM workflow_nodes")).Single()[0]!;
        var (killed, survivor) = victim == first.Name ? (first, second) : (second, first);

        await killed.KillHard();
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(2));

        // The broker hands the unacked delivery to the survivor at once; the saga records its one success.
        var node = (await environment.QueryAsync("SELECT state, executor_id, attempt FROM workflow_nodes")).Single();
        Assert.Equal(["succeeded", survivor.Name, 1], node);
        Assert.Equal("Completed", (await environment.QueryAsync("SELECT current_state FROM workflow_instances")).Single()[0]);
        Assert.Single(survivor.Output.Split('\n'), l => l.Contains("Executor", StringComparison.Ordinal) && l.Contains("consuming", StringComparison.Ordinal));
    }

    [IntegrationTheory, Stores]
    public async Task An_orchestrator_killed_mid_run_leaves_every_workflow_to_complete_on_the_other(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c
            // Dispatches the killed one saved but had not yet sent are its outbox rows: the survivor delivers them. The
            // stale-dispatch sweeper is kept out of the way (10 minutes), so the run completes only if the outbox works.
            .Setting("Orchestrator__RedispatchAfter", "00:10:00")
            .Orchestrator("orchestrator-1").Orchestrator("orchestrator-2")
            .Executor("executor-1", "delay,transform", concurrency: 16).Executor("executor-2", "delay,transform", concurrency: 16));
        var environment = cluster.Environment;
        var doomed = cluster["orchestrator-1"];

        var definitions = Enumerable.Range(0, 60).Select(i => (i % 3) switch
        {
            0 => Shapes.Chain(4, "delay", new { ms = 150 }),
            1 => Shapes.Diamond("transform"),
            _ => Shapes.FanOut(5, "delay", new { ms = 100 }),
        });
        await Shapes.SubmitAllAsync(environment, definitions);
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded'") >= 60,
            TimeSpan.FromMinutes(2), () => Task.FromResult("the run never got going"));

        await doomed.KillHard();

        await FaultRun.AssertNothingLostAsync(environment, 60, TimeSpan.FromMinutes(3));
    }
}
