using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>Targeting: a node for a pool no online executor serves says why it waits, and runs once one comes.</summary>
public sealed class When_a_node_targets_a_pool(ITestOutputHelper output)
{
    [IntegrationTheory, Stores]
    public async Task The_node_shows_its_waiting_reason_until_an_executor_of_the_pool_starts_and_runs_it(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator().Executor("executor-general", "transform", concurrency: 2));
        var environment = cluster.Environment;

        await Shapes.SubmitAllAsync(environment, [Shapes.Definition("eu-only", [new { id = "report", capability = "transform", input = new { region = "eu" }, pool = "eu" }])]);
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE waiting_reason = 'pool eu has no online executor with capability transform'") == 1,
            TimeSpan.FromSeconds(30), async () => string.Join(",", (await environment.QueryAsync("SELECT state, waiting_reason FROM workflow_nodes")).Single()));
        // The command waits in the pool's queue (the management API's counts lag a few seconds behind).
        await Eventually.WaitUntilAsync(
            async () => (await environment.QueuesAsync()).GetValueOrDefault("node.transform.eu").Messages == 1,
            TimeSpan.FromSeconds(30), () => Task.FromResult("node.transform.eu never showed the waiting command"));

        var eu = await cluster.StartExecutorAsync("executor-eu", "transform", concurrency: 2, "--pools", "eu");
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));
        Assert.Equal(["succeeded", eu.Name, null], (await environment.QueryAsync("SELECT state, executor_id, waiting_reason FROM workflow_nodes")).Single());
    }
}
