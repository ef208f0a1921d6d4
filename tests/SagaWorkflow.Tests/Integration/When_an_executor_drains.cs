using SagaWorkflow.Tests.Executors;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>Draining an executor: it takes no new work, finishes what it runs, and at a deadline hands the rest over.</summary>
public sealed class When_an_executor_drains(ITestOutputHelper output)
{
    [IntegrationTheory, Stores]
    public async Task Without_a_deadline_in_flight_nodes_finish_where_they_run_and_new_work_goes_elsewhere(Store store)
    {
        // The first node of each chain is an HTTP call held open until the test lets it go: it is still running when the
        // drain begins and when the new executor is up, however slow the machine (a 2.5 s delay node once finished
        // before a busy machine's drain request arrived, and its successor ran on the executor about to drain).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var held = new LoopbackHttpServer(async _ =>
        {
            await release.Task;
            return (200, "{}", "application/json");
        });
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Settings(s => Failover.WithOperatorKey(s))
            .Setting("Executor__Http__Allow__0", "127.0.0.0/8")
            .Orchestrator().Executor("executor-1", "http,noop", concurrency: 2));
        var (environment, orchestrator, draining) = (cluster.Environment, cluster["orchestrator"], cluster["executor-1"]);

        var chain = Shapes.Definition("held-chain", [Shapes.Node("s0", "http", new { url = held.BaseUrl }), Shapes.Node("s1", "noop", null, "s0")]);
        await Shapes.SubmitAllAsync(environment, [chain, chain]);
        await Eventually.WaitUntilAsync(() => Task.FromResult(held.Requests.Count == 2), TimeSpan.FromMinutes(1),
            () => Task.FromResult($"{held.Requests.Count} of 2 calls reached the held server"));
        await Failover.SagaflowAsync(orchestrator, "drain", draining.Name);
        await Failover.WaitForExecutorAsync(environment, draining.Name, "Draining", TimeSpan.FromSeconds(30));
        var fresh = await cluster.StartExecutorAsync("executor-2", "http,noop", concurrency: 2);
        release.SetResult();
        await Shapes.WaitForFinishedAsync(environment, 2, TimeSpan.FromMinutes(2));

        // The first node of each chain finished on the draining executor (attempt 1, no failover); the second ran on the new one.
        Assert.Equal(2, await environment.CountAsync($"SELECT COUNT(*) FROM workflow_nodes WHERE node_id = 's0' AND state = 'succeeded' AND attempt = 1 AND executor_id = '{draining.Name}'"));
        Assert.Equal(2, await environment.CountAsync($"SELECT COUNT(*) FROM workflow_nodes WHERE node_id = 's1' AND state = 'succeeded' AND executor_id = '{fresh.Name}'"));
        Assert.Equal(2, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync($"SELECT COUNT(*) FROM executors WHERE executor_id = '{draining.Name}' AND drained_at IS NOT NULL") == 1,
            TimeSpan.FromSeconds(30), () => Task.FromResult("the drained executor never reported ExecutorDrained"));
    }

    [IntegrationTheory, Stores]
    public async Task At_the_deadline_a_running_node_is_handed_over_and_completes_on_another_executor(Store store)
    {
        // The first attempt's call is held until the test ends, so it surely still runs at the deadline however slow
        // the machine (a 15 s delay node once finished first); the handed-over attempt's call is answered at once.
        using var held = HeldFirstCall();
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Settings(s => Failover.WithOperatorKey(s))
            .Setting("Executor__Http__Allow__0", "127.0.0.0/8")
            .Orchestrator().Executor("executor-1", "http", concurrency: 1));
        var (environment, orchestrator, draining) = (cluster.Environment, cluster["orchestrator"], cluster["executor-1"]);

        await Shapes.SubmitAllAsync(environment, [Shapes.Definition("held", [Shapes.Node("s0", "http", new { url = held.BaseUrl })])]);
        await Failover.WaitForRunningAsync(environment, 1);
        var other = await cluster.StartExecutorAsync("executor-2", "http", concurrency: 1);
        await Failover.SagaflowAsync(orchestrator, "drain", draining.Name, "--deadline", "1s");
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));

        Assert.Equal(["succeeded", other.Name, 2, 1],
            (await environment.QueryAsync("SELECT state, executor_id, attempt, failovers FROM workflow_nodes")).Single());
        var attempts = await Failover.AttemptsAsync(environment);
        Assert.Equal([1, draining.Name, "handed_over", false, null], attempts[0]);
        Assert.Equal([2, other.Name, "succeeded", false, null], attempts[1]);
        Assert.Equal(0, await draining.TerminateAsync(TimeSpan.FromSeconds(30)));
        await Failover.WaitForExecutorAsync(environment, draining.Name, "Stopped", TimeSpan.FromSeconds(30));
    }

    [IntegrationTheory, Stores]
    public async Task Sigterm_drains_with_the_configured_deadline_and_hands_a_longer_node_over_before_exiting(Store store)
    {
        using var held = HeldFirstCall();
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Setting("Executor__Http__Allow__0", "127.0.0.0/8")
            .Orchestrator().Executor("executor-1", "http", concurrency: 1, "--drain-deadline", "2s"));
        var (environment, stopping) = (cluster.Environment, cluster["executor-1"]);

        await Shapes.SubmitAllAsync(environment, [Shapes.Definition("held", [Shapes.Node("s0", "http", new { url = held.BaseUrl })])]);
        await Failover.WaitForRunningAsync(environment, 1);
        var other = await cluster.StartExecutorAsync("executor-2", "http", concurrency: 1);
        // What `docker stop` does: the process takes nothing new, waits 2 s for the node, hands it back and exits cleanly.
        Assert.Equal(0, await stopping.TerminateAsync(TimeSpan.FromSeconds(30)));
        await Failover.WaitForExecutorAsync(environment, stopping.Name, "Stopped", TimeSpan.FromSeconds(30));
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));

        Assert.Equal(["succeeded", other.Name, 2], (await environment.QueryAsync("SELECT state, executor_id, attempt FROM workflow_nodes")).Single());
        Assert.Equal([1, stopping.Name, "handed_over", false, null], (await Failover.AttemptsAsync(environment))[0]);
    }

    /// <summary>A server that holds the first call open (until it is disposed) and answers every later one at once.</summary>
    private static LoopbackHttpServer HeldFirstCall()
    {
        var calls = 0;
        var never = new TaskCompletionSource();
        return new LoopbackHttpServer(async _ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
                await never.Task;
            return (200, "{}", "application/json");
        });
    }
}
