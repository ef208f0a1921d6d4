namespace SagaWorkflow.Tests.Integration;

[Collection(IntegrationCollections.Load)]
public sealed class When_executors_compete_for_a_capability_queue
{
    [IntegrationTheory, Stores]
    public async Task Three_executor_processes_share_300_nodes_and_each_node_succeeds_once(Store store)
    {
        await using var environment = await IntegrationEnvironment.CreateAsync(store);
        var settings = environment.ProcessSettings();
        await using var orchestrator = await ServiceProcess.OrchestratorAsync("orchestrator", settings);
        await using var first = await ServiceProcess.ExecutorAsync("executor-1", settings, "delay", concurrency: 4);
        await using var second = await ServiceProcess.ExecutorAsync("executor-2", settings, "delay", concurrency: 4);
        await using var third = await ServiceProcess.ExecutorAsync("executor-3", settings, "delay", concurrency: 4);

        // What an operator sees in the management UI: one consumer per executor process on node.delay.
        await Eventually.WaitUntilAsync(
            async () => (await environment.QueuesAsync()).GetValueOrDefault("node.delay").Consumers == 3,
            TimeSpan.FromSeconds(30),
            async () => string.Join(", ", (await environment.QueuesAsync()).Select(q => $"{q.Key}: {q.Value.Consumers} consumers")));

        await Shapes.SubmitAllAsync(environment, [Shapes.Parallel(300, "delay", new { ms = 20 })]);
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(3));

        Assert.Equal("Completed", (await environment.QueryAsync("SELECT current_state FROM workflow_instances")).Single()[0]);
        var perExecutor = (await environment.QueryAsync("SELECT executor_id, COUNT(*) FROM workflow_nodes WHERE state = 'succeeded' AND attempt = 1 GROUP BY executor_id"))
            .ToDictionary(r => (string)r[0]!, r => (long)r[1]!);
        Assert.Equal(300, perExecutor.Values.Sum());
        Assert.Equal(["executor-1", "executor-2", "executor-3"], perExecutor.Keys.Order());
        Assert.All(perExecutor.Values, share => Assert.True(share >= 30, $"uneven shares: {string.Join(", ", perExecutor)}"));
        Assert.Equal(0, (await environment.QueuesAsync())["node.delay"].Messages);
    }
}
