using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

[Collection(IntegrationCollections.Load)]
public sealed class When_executors_compete_for_a_capability_queue(ITestOutputHelper output)
{
    [IntegrationTheory, Stores]
    public async Task Three_executor_processes_share_300_nodes_and_each_node_succeeds_once(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator()
            .Executor("executor-1", "delay", concurrency: 4).Executor("executor-2", "delay", concurrency: 4).Executor("executor-3", "delay", concurrency: 4));
        var environment = cluster.Environment;

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
