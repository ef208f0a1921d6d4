using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// Node priorities on RabbitMQ priority queues: a higher-priority node waiting in a queue is delivered first; a queue
/// made before priorities keeps working after the upgrade, and moving it as docs/operations.md says gives it priorities
/// without losing or doubling a node.
/// </summary>
public sealed class When_nodes_have_priorities(ITestOutputHelper output)
{
    private const string Queue = "node.noop";

    [IntegrationTheory, Stores]
    public async Task A_priority_9_node_queued_after_100_priority_0_nodes_starts_before_them(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator());
        var environment = cluster.Environment;

        // No executor yet: everything waits in the queue, the urgent node last of all. The 100 usual nodes are the
        // parallel nodes of one workflow: the queue holds the same 100 commands as from 100 workflows, without the
        // orchestrator starting 100 workflows on a busy test machine first.
        await Shapes.SubmitAllAsync(environment, [Shapes.Parallel(100, "noop")]);
        await WaitUntilQueuedAsync(environment, 100);
        var urgent = Assert.Single(await Shapes.SubmitAllAsync(environment,
            [Shapes.Definition("urgent", [new { id = "work", capability = "noop", priority = 9 }])]));
        await WaitUntilQueuedAsync(environment, 101);
        Assert.Equal(9, (await QueueArgumentsAsync(environment)).GetProperty("x-max-priority").GetInt32());

        await cluster.StartExecutorAsync("executor-1", "noop", concurrency: 1);
        await Shapes.WaitForFinishedAsync(environment, 2, TimeSpan.FromMinutes(3));

        var starts = (await environment.QueryAsync("SELECT workflow_id, started_at FROM node_attempts"))
            .Select(r => (Workflow: Guid.Parse(r[0]!.ToString()!), Started: Convert.ToDateTime(r[1], System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(a => a.Started).ToList();
        Assert.Equal(101, starts.Count);
        Assert.Equal(urgent, starts[0].Workflow);
        Assert.Equal(2, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
        Assert.Equal(101, await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded'"));

        // A command that cannot be read faults into node.noop_error, a plain classic queue like every earlier version's.
        await environment.PublishAsync(Queue, "not a message");
        await Eventually.WaitUntilAsync(async () => (await environment.QueuesAsync()).GetValueOrDefault(Queue + "_error").Messages == 1,
            TimeSpan.FromSeconds(60), () => environment.QueueReportAsync());
        Assert.Empty((await QueueArgumentsAsync(environment, Queue + "_error")).EnumerateObject());
    }

    [IntegrationTheory, Stores]
    public async Task A_queue_made_without_priorities_keeps_working_and_moving_it_gives_it_priorities(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator());
        var environment = cluster.Environment;
        await DeclareQueueAsBeforePrioritiesAsync(environment);

        // The upgraded processes find the queue as it was and use it so.
        var before = await cluster.StartExecutorAsync("executor-1", "noop", concurrency: 2);
        await Shapes.SubmitAllAsync(environment, Enumerable.Range(0, 5).Select(i =>
            Shapes.Definition("old-queue", [new { id = "work", capability = "noop", priority = i }])));
        await Shapes.WaitForFinishedAsync(environment, 5, TimeSpan.FromMinutes(1));
        Assert.False((await QueueArgumentsAsync(environment)).TryGetProperty("x-max-priority", out _));
        Assert.Contains("cannot change in place", before.Output, StringComparison.Ordinal);

        // The move (docs/operations.md): unbind the queue, so new nodes bounce back into the outbox ...
        (await environment.Management.DeleteAsync($"api/bindings/{Vhost(environment)}/e/{Queue}/q/{Queue}/~")).EnsureSuccessStatusCode();
        await Shapes.SubmitAllAsync(environment, Enumerable.Range(0, 5).Select(_ => Shapes.Definition("moving", [Shapes.Node("work", "noop")])));
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync($"SELECT COUNT(*) FROM outbox_messages WHERE destination_address LIKE '%{Queue}%'") == 5,
            TimeSpan.FromSeconds(30), () => Shapes.ProgressReportAsync(environment));
        // ... stop the executors once it is empty, delete it, and start them again: they make it with priorities.
        Assert.Equal(0, await before.TerminateAsync(TimeSpan.FromSeconds(30)));
        (await environment.Management.DeleteAsync($"api/queues/{Vhost(environment)}/{Queue}?if-empty=true")).EnsureSuccessStatusCode();
        await cluster.StartExecutorAsync("executor-2", "noop", concurrency: 2);

        await Shapes.WaitForFinishedAsync(environment, 10, TimeSpan.FromMinutes(1));
        Assert.Equal(9, (await QueueArgumentsAsync(environment)).GetProperty("x-max-priority").GetInt32());
        Assert.Equal(10, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
        Assert.Equal(10, await environment.CountAsync("SELECT COUNT(*) FROM node_attempts"));
        // The last steps' rows (their completion events) go once the broker confirms them, after the state above committed.
        await Eventually.WaitUntilAsync(async () => await environment.CountAsync("SELECT COUNT(*) FROM outbox_messages") == 0,
            TimeSpan.FromSeconds(30), () => Shapes.ProgressReportAsync(environment));
    }

    // Every node dispatched and its command handed to the broker (the outbox row goes once the broker confirmed it).
    private static Task WaitUntilQueuedAsync(IntegrationEnvironment environment, int count) =>
        Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'dispatched'") == count
                && await environment.CountAsync("SELECT COUNT(*) FROM outbox_messages") == 0,
            TimeSpan.FromMinutes(3), () => Shapes.ProgressReportAsync(environment));

    // What MassTransit declared for a node queue before priorities: a fanout exchange bound to a plain durable queue.
    private static async Task DeclareQueueAsBeforePrioritiesAsync(IntegrationEnvironment environment)
    {
        var vhost = Vhost(environment);
        (await environment.Management.PutAsJsonAsync($"api/exchanges/{vhost}/{Queue}", new { type = "fanout", durable = true })).EnsureSuccessStatusCode();
        (await environment.Management.PutAsJsonAsync($"api/queues/{vhost}/{Queue}", new { durable = true })).EnsureSuccessStatusCode();
        (await environment.Management.PostAsJsonAsync($"api/bindings/{vhost}/e/{Queue}/q/{Queue}", new { routing_key = "" })).EnsureSuccessStatusCode();
    }

    private static async Task<JsonElement> QueueArgumentsAsync(IntegrationEnvironment environment, string queue = Queue) =>
        (await environment.Management.GetFromJsonAsync<JsonElement>($"api/queues/{Vhost(environment)}/{queue}")).GetProperty("arguments");

    private static string Vhost(IntegrationEnvironment environment) => Uri.EscapeDataString(environment.VirtualHost);
}
