using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration.Cluster;

/// <summary>
/// Quorum queues on a three-node cluster: the node leading the saga's queue is stopped mid-run and started again; the
/// leaders move, every workflow completes, none fails, no node is applied twice and no message is left in an error queue.
/// </summary>
[Collection(IntegrationCollections.Load)]
public sealed class When_a_broker_node_is_lost(ITestOutputHelper output)
{
    private const int Workflows = 200;

    [ClusterTheory, Stores]
    public async Task Stopping_the_node_that_leads_the_queues_mid_run_loses_no_workflow(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Setting("RabbitMq__QueueType", "Quorum")
            .Orchestrator().Executor("executor-1", "noop,delay", concurrency: 4).Executor("executor-2", "noop,delay", concurrency: 4),
            BrokerCluster.Broker);
        var environment = cluster.Environment;
        await Shapes.SubmitAllAsync(environment, Enumerable.Range(0, Workflows).Select(_ => Shapes.Definition("hops",
            [Shapes.Node("a", "noop"), Shapes.Node("b", "delay", new { ms = 300 }, "a"), Shapes.Node("c", "noop", null, "b")])));
        await Eventually.WaitUntilAsync(async () => await CompletedAsync(environment) >= 20, TimeSpan.FromMinutes(2),
            () => Shapes.ProgressReportAsync(environment));

        var leader = (await environment.Management.GetFromJsonAsync<JsonElement>(
            $"api/queues/{Uri.EscapeDataString(environment.VirtualHost)}/workflow-state")).GetProperty("leader").GetString()!;
        var before = await CompletedAsync(environment);
        var stopped = Stopwatch.StartNew();
        await BrokerCluster.StopNodeAsync(BrokerCluster.NumberOf(leader));
        try
        {
            // Work goes on without the node: the leaders moved to the others.
            await Eventually.WaitUntilAsync(async () => await CompletedAsync(environment) > before, TimeSpan.FromMinutes(2),
                () => Task.FromResult($"no workflow completed after {leader} stopped"));
            output.WriteLine($"cluster: {leader} stopped; first completion after it {stopped.Elapsed.TotalSeconds:F1} s later");
        }
        finally
        {
            await BrokerCluster.StartNodeAsync(BrokerCluster.NumberOf(leader));
        }

        await Shapes.WaitForFinishedAsync(environment, Workflows, TimeSpan.FromMinutes(5));
        Assert.Equal(Workflows, await CompletedAsync(environment));
        Assert.Equal(0, await environment.CountAsync("""
            SELECT COUNT(*) FROM workflow_nodes n WHERE (SELECT COUNT(*) FROM node_attempts a WHERE a.workflow_id = n.workflow_id
              AND a.node_id = n.node_id AND a.outcome = 'succeeded' AND NOT a.arrived_late) <> 1
            """));
        var errors = (await environment.QueuesAsync()).Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value.Messages > 0);
        Assert.Empty(errors);
    }

    private static Task<long> CompletedAsync(IntegrationEnvironment environment) =>
        environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'");
}
