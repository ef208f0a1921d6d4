using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

[Collection(IntegrationCollections.Load)]
public sealed class When_two_orchestrators_share_the_work(ITestOutputHelper output)
{
    [IntegrationTheory, Stores]
    public async Task Two_hundred_concurrent_workflows_of_mixed_shapes_all_complete_with_every_node_succeeded(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator("orchestrator-1").Orchestrator("orchestrator-2")
            .Executor("executor-1", "noop,transform", concurrency: 32));
        var environment = cluster.Environment;

        var definitions = Enumerable.Range(0, 200).Select(i => (i % 4) switch
        {
            0 => Shapes.Chain(5, "noop"),
            1 => Shapes.Diamond("transform", new { i }),
            2 => Shapes.FanOut(20, "noop"),
            _ => Shapes.Parallel(3, "transform"),
        }).ToList();
        var ids = await Shapes.SubmitAllAsync(environment, definitions);
        await Shapes.WaitForFinishedAsync(environment, 200, TimeSpan.FromMinutes(4));

        Assert.Equal(200, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
        Assert.Equal(50 * 5 + 50 * 4 + 50 * 22 + 50 * 3, await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded' AND attempt = 1"));
        Assert.Equal(0, await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state <> 'succeeded'"));
        Assert.Equal(ids.Order(), (await environment.QueryAsync("SELECT correlation_id FROM workflow_instances")).Select(r => (Guid)r[0]!).Order());
        // Both processes took part: each consumed from the shared saga queue.
        Assert.Equal(2, (await environment.QueuesAsync())["workflow-state"].Consumers);
    }
}
