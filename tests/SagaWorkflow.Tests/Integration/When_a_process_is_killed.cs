namespace SagaWorkflow.Tests.Integration;

public sealed class When_a_process_is_killed
{
    [IntegrationTheory, Stores]
    public async Task An_executor_killed_mid_node_leaves_the_node_to_complete_on_another_executor_once(Store store)
    {
        await using var environment = await IntegrationEnvironment.CreateAsync(store);
        var settings = environment.ProcessSettings();
        await using var orchestrator = await ServiceProcess.OrchestratorAsync("orchestrator", settings);
        await using var first = await ServiceProcess.ExecutorAsync("executor-1", settings, "delay", concurrency: 1);
        await using var second = await ServiceProcess.ExecutorAsync("executor-2", settings, "delay", concurrency: 1);

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
        await using var environment = await IntegrationEnvironment.CreateAsync(store);
        var settings = environment.ProcessSettings();
        // Recovery of dispatches lost in the kill (saved, not yet confirmed by the broker) kicks in after 10 s here.
        settings["Orchestrator__RedispatchAfter"] = "00:00:10";
        settings["Orchestrator__SweepInterval"] = "00:00:01";
        await using var doomed = await ServiceProcess.OrchestratorAsync("orchestrator-1", settings);
        await using var survivor = await ServiceProcess.OrchestratorAsync("orchestrator-2", settings);
        await using var executor = await ServiceProcess.ExecutorAsync("executor-1", settings, "delay,transform", concurrency: 16);
        await using var executor2 = await ServiceProcess.ExecutorAsync("executor-2", settings, "delay,transform", concurrency: 16);

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
        await Shapes.WaitForFinishedAsync(environment, 60, TimeSpan.FromMinutes(3));

        Assert.Equal(60, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
        Assert.Equal(0, await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state <> 'succeeded'"));
    }
}
