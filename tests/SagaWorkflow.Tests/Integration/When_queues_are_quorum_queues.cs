using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// <c>RabbitMq:QueueType</c> Quorum: a new deployment's durable queues are quorum queues and workflows run on them; a
/// deployment made with classic queues and restarted with the setting keeps its queues as they are and keeps working,
/// and once its queues are deleted in a quiet window (docs/operations.md) they come back as quorum queues.
/// </summary>
public sealed class When_queues_are_quorum_queues(ITestOutputHelper output)
{
    private static readonly string[] DurableQueues =
        ["workflow-state", "executor-state", "workflow-submit", "scheduler", "executor-failover", "node.noop", "executor.executor-1"];

    [IntegrationTheory, Stores]
    public async Task A_new_deployment_makes_every_durable_queue_a_quorum_queue_and_runs_on_them(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Setting("RabbitMq__QueueType", "Quorum")
            .Orchestrator().Executor("executor-1", "noop", concurrency: 2));
        var environment = cluster.Environment;

        await Shapes.SubmitAllAsync(environment, Enumerable.Range(0, 5).Select(_ => Shapes.Chain(2, "noop")));
        await Shapes.WaitForFinishedAsync(environment, 5, TimeSpan.FromMinutes(1));

        Assert.Equal(5, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
        var types = await QueueTypesAsync(environment);
        Assert.All(DurableQueues, q => Assert.Equal((q, "quorum"), (q, types.GetValueOrDefault(q))));
        // Temporary queues cannot be quorum queues and stay as MassTransit makes them.
        Assert.Contains(types, t => t.Key.Contains("executor-control", StringComparison.Ordinal) && t.Value == "classic");
    }

    [IntegrationTheory, Stores]
    public async Task A_classic_deployment_restarted_as_quorum_keeps_its_queues_and_keeps_working(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator().Executor("executor-1", "noop", concurrency: 2));
        var environment = cluster.Environment;
        await Shapes.SubmitAllAsync(environment, Enumerable.Range(0, 3).Select(_ => Shapes.Chain(2, "noop")));
        await Shapes.WaitForFinishedAsync(environment, 3, TimeSpan.FromMinutes(1));
        foreach (var process in cluster.Processes.Reverse())
            Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(30)));

        cluster.Settings["RabbitMq__QueueType"] = "Quorum";
        var orchestrator = await cluster.StartOrchestratorAsync("orchestrator-quorum");
        var executor = await cluster.StartExecutorAsync("executor-1", "noop", concurrency: 2);
        await Shapes.SubmitAllAsync(environment, Enumerable.Range(0, 3).Select(_ => Shapes.Chain(2, "noop")));
        await Shapes.WaitForFinishedAsync(environment, 6, TimeSpan.FromMinutes(1));

        Assert.Equal(6, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
        var types = await QueueTypesAsync(environment);
        Assert.All(DurableQueues, q => Assert.Equal((q, "classic"), (q, types.GetValueOrDefault(q))));
        Assert.Contains("Queue workflow-state was made a classic queue without priorities, not a quorum queue", orchestrator.Output, StringComparison.Ordinal);
        Assert.Contains("Queue node.noop was made a classic queue with priorities, not a quorum queue", executor.Output, StringComparison.Ordinal);

        // The move (operations.md, "Moving an existing deployment to quorum queues") in its window: nothing submitted,
        // every workflow finished, the processes stopped, so the queues are empty; deleted, they are declared again as
        // quorum queues by the processes' next start, with their bindings, and work runs on them.
        Assert.Equal(0, await executor.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await orchestrator.TerminateAsync(TimeSpan.FromSeconds(30)));
        foreach (var queue in DurableQueues)
        {
            using var deleted = await environment.Management.DeleteAsync(
                $"api/queues/{Uri.EscapeDataString(environment.VirtualHost)}/{Uri.EscapeDataString(queue)}?if-empty=true");
            Assert.True(deleted.IsSuccessStatusCode, $"deleting {queue}: {(int)deleted.StatusCode} {await deleted.Content.ReadAsStringAsync()}");
        }

        await cluster.StartOrchestratorAsync("orchestrator-moved");
        await cluster.StartExecutorAsync("executor-1", "noop", concurrency: 2);
        await Shapes.SubmitAllAsync(environment, Enumerable.Range(0, 3).Select(_ => Shapes.Chain(2, "noop")));
        await Shapes.WaitForFinishedAsync(environment, 9, TimeSpan.FromMinutes(1));

        Assert.Equal(9, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
        var moved = await QueueTypesAsync(environment);
        Assert.All(DurableQueues, q => Assert.Equal((q, "quorum"), (q, moved.GetValueOrDefault(q))));
    }

    [IntegrationTheory, Stores]
    public async Task Processes_given_a_list_of_broker_nodes_connect_to_one_that_answers(Store store)
    {
        // The first node is a port nobody listens on: the connection goes on to the next one.
        var broker = new Uri(Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_RABBITMQ")!);
        await using var cluster = await TestCluster.StartAsync(store, output, c => c
            .Setting("RabbitMq__Nodes", $"127.0.0.1:1,{broker.Host}:{broker.Port}")
            .Orchestrator().Executor("executor-1", "noop", concurrency: 2));

        await Shapes.SubmitAllAsync(cluster.Environment, [Shapes.Chain(2, "noop")]);
        await Shapes.WaitForFinishedAsync(cluster.Environment, 1, TimeSpan.FromMinutes(1));

        Assert.Equal(1, await cluster.Environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
    }

    private static async Task<Dictionary<string, string?>> QueueTypesAsync(IntegrationEnvironment environment) =>
        (await environment.Management.GetFromJsonAsync<JsonElement>($"api/queues/{Uri.EscapeDataString(environment.VirtualHost)}"))
            .EnumerateArray()
            .ToDictionary(q => q.GetProperty("name").GetString()!, q => q.TryGetProperty("type", out var type) ? type.GetString() : null);
}
