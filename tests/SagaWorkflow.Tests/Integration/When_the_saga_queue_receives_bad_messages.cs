using System.Text.Json;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

public sealed class When_the_saga_queue_receives_bad_messages(ITestOutputHelper output)
{
    [IntegrationTheory, Stores]
    public async Task Malformed_json_and_a_result_for_an_unknown_workflow_end_in_the_error_queue_with_a_reason(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator().Executor("executor", "noop", concurrency: 2));
        var environment = cluster.Environment;
        await Shapes.SubmitAllAsync(environment, [Shapes.Chain(2, "noop")]);
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));
        const string Snapshot = "SELECT correlation_id, current_state, version, updated_at FROM workflow_instances";
        var before = await environment.QueryAsync(Snapshot);

        await environment.PublishAsync("workflow-state", "{ this is not json", Guid.NewGuid().ToString(), "application/vnd.masstransit+json");
        var unknown = JsonSerializer.Serialize(new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { "urn:message:SagaWorkflow.Contracts:NodeCompleted" },
            message = new { workflowId = Guid.NewGuid(), nodeId = "a", attempt = 1, executorId = "nobody" },
        }, JsonSerializerOptions.Web);
        await environment.PublishAsync("workflow-state", unknown, Guid.NewGuid().ToString(), "application/vnd.masstransit+json");

        await Eventually.WaitUntilAsync(
            async () => (await environment.QueuesAsync()).GetValueOrDefault("workflow-state_error").Messages == 2,
            TimeSpan.FromMinutes(1),
            async () => string.Join(", ", (await environment.QueuesAsync()).Select(q => $"{q.Key}: {q.Value.Messages}")));

        var errors = await environment.GetMessagesAsync("workflow-state_error", 2);
        var reasons = errors.Select(m => m.GetProperty("properties").GetProperty("headers")).ToList();
        Assert.All(reasons, h => Assert.True(h.TryGetProperty("MT-Fault-Message", out var reason) && reason.GetString()!.Length > 0, h.ToString()));
        Assert.Contains(errors, m => m.GetProperty("payload").GetString()!.StartsWith("{ this is not json", StringComparison.Ordinal));
        Assert.Equal(before, await environment.QueryAsync(Snapshot));
        await DrainedAsync(environment, "workflow-state");
    }

    [IntegrationTheory, Stores]
    public async Task Plain_json_submits_that_cannot_start_a_workflow_end_in_the_submit_error_queue_with_a_reason_and_valid_ones_without_a_message_id_run(
        Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator().Executor("executor", "noop", concurrency: 2));
        var environment = cluster.Environment;
        var valid = Shapes.Chain(2, "noop");
        var huge = JsonSerializer.Serialize(new { definition = valid, input = new { blob = new string('x', 1_100_000) } });
        var binary = new byte[4096];
        new Random(13).NextBytes(binary);

        await environment.PublishAsync("workflow-submit", "", Guid.NewGuid().ToString());
        await environment.PublishBytesAsync("workflow-submit", binary, Guid.NewGuid().ToString(), "application/octet-stream");
        await environment.PublishAsync("workflow-submit", huge, Guid.NewGuid().ToString());
        await environment.PublishAsync("workflow-submit", "{}", Guid.NewGuid().ToString());
        await environment.PublishAsync("workflow-submit", "null", Guid.NewGuid().ToString());
        await environment.PublishAsync("workflow-submit", "[1,2]", Guid.NewGuid().ToString());
        await environment.PublishAsync("workflow-submit", """{"definition":{"name":"","nodes":[]}}""", Guid.NewGuid().ToString());
        // Valid, but with no AMQP message_id: one names its workflow, the other lets the orchestrator choose.
        var named = Guid.NewGuid();
        await environment.PublishAsync("workflow-submit", JsonSerializer.Serialize(new { workflowId = named, definition = valid }, JsonSerializerOptions.Web));
        await environment.PublishAsync("workflow-submit", JsonSerializer.Serialize(new { definition = valid }, JsonSerializerOptions.Web));

        await Shapes.WaitForFinishedAsync(environment, 2, TimeSpan.FromMinutes(1));
        await Eventually.WaitUntilAsync(
            async () => (await environment.QueuesAsync()).GetValueOrDefault("workflow-submit_error").Messages == 7,
            TimeSpan.FromMinutes(1),
            async () => string.Join(", ", (await environment.QueuesAsync()).Select(q => $"{q.Key}: {q.Value.Messages}")));

        var reasons = (await environment.GetMessagesAsync("workflow-submit_error", 7))
            .Select(m => m.GetProperty("properties").GetProperty("headers").TryGetProperty("MT-Fault-Message", out var r) ? r.GetString() ?? "" : "")
            .ToList();
        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r), string.Join(" | ", reasons)));
        Assert.Contains(reasons, r => r.Contains("The message body is empty", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("is an invalid start of a value", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("could not be converted to SagaWorkflow.Contracts.StartWorkflow", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("Orchestrator:MaxSubmitBytes", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("names no definition", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("missing_name", StringComparison.Ordinal) && r.Contains("empty_workflow", StringComparison.Ordinal));
        var states = await environment.QueryAsync("SELECT correlation_id, current_state FROM workflow_instances");
        Assert.Equal(2, states.Count);
        Assert.All(states, row => Assert.Equal("Completed", row[1]));
        Assert.Contains(states, row => Guid.Parse(row[0]!.ToString()!) == named);
        await DrainedAsync(environment, "workflow-submit");
    }

    [IntegrationTheory, Stores]
    public async Task Results_for_a_finished_workflow_are_logged_and_ignored_and_those_for_an_unknown_one_fault_once_each(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator().Executor("executor", "noop", concurrency: 2));
        var (environment, orchestrator) = (cluster.Environment, cluster["orchestrator"]);
        var finished = Assert.Single(await Shapes.SubmitAllAsync(environment, [Shapes.Chain(2, "noop")]));
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));
        // Not the row version: the repository saves the saga after every message it handled, even one that changed nothing.
        const string Snapshot = """
            SELECT w.current_state, n.node_id, n.state, n.attempt, n.output_json, n.error
            FROM workflow_instances w JOIN workflow_nodes n ON n.workflow_id = w.correlation_id ORDER BY n.node_id
            """;
        var before = await environment.QueryAsync(Snapshot);
        var attemptsBefore = await environment.QueryAsync("SELECT node_id, attempt, outcome, arrived_late FROM node_attempts ORDER BY node_id, attempt");
        var unknown = Guid.NewGuid();

        // Late or duplicate reports of a finished run: normal after a cancel or a redelivery, so logged and not faulted.
        await PublishResultAsync(environment, "NodeStarted", new { workflowId = finished, nodeId = "s0", attempt = 1, executorId = "late" });
        await PublishResultAsync(environment, "NodeCompleted", new { workflowId = finished, nodeId = "s0", attempt = 1, executorId = "late", output = new { x = 1 } });
        await PublishResultAsync(environment, "NodeFailed", new { workflowId = finished, nodeId = "s1", attempt = 1, executorId = "late", error = "late" });
        await PublishResultAsync(environment, "NodeCompleted", new { workflowId = finished, nodeId = "s1", attempt = 7, executorId = "late" });
        await PublishResultAsync(environment, "NodeCompleted", new { workflowId = finished, nodeId = "ghost", attempt = 1, executorId = "late" });
        // Reports for a workflow the store has never had: a misrouted message or lost data, so they fault to the error queue.
        await PublishResultAsync(environment, "NodeStarted", new { workflowId = unknown, nodeId = "a", attempt = 1, executorId = "nobody" });
        await PublishResultAsync(environment, "NodeFailed", new { workflowId = unknown, nodeId = "a", attempt = 1, executorId = "nobody", error = "x" });

        await Eventually.WaitUntilAsync(
            async () => (await environment.QueuesAsync()).GetValueOrDefault("workflow-state_error").Messages == 2,
            TimeSpan.FromMinutes(1),
            async () => string.Join(", ", (await environment.QueuesAsync()).Select(q => $"{q.Key}: {q.Value.Messages}")));
        await DrainedAsync(environment, "workflow-state");
        string[] logged = ["started after workflow", "AlreadySettled", "StaleAttempt", "node ghost attempt 1", "UnknownNode"];
        await Eventually.WaitUntilAsync(() => Task.FromResult(logged.All(l => orchestrator.Output.Contains(l, StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), () => Task.FromResult($"missing log lines among:\n{orchestrator.Output}"));

        var errors = await environment.GetMessagesAsync("workflow-state_error", 10);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, m =>
        {
            Assert.Contains(unknown.ToString(), m.GetProperty("payload").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(m.GetProperty("properties").GetProperty("headers").GetProperty("MT-Fault-Message").GetString()));
        });
        Assert.Equal(before, await environment.QueryAsync(Snapshot));
        Assert.Equal(attemptsBefore, await environment.QueryAsync("SELECT node_id, attempt, outcome, arrived_late FROM node_attempts ORDER BY node_id, attempt"));
    }

    private static Task PublishResultAsync(IntegrationEnvironment environment, string type, object message) =>
        environment.PublishAsync("workflow-state", JsonSerializer.Serialize(new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { $"urn:message:SagaWorkflow.Contracts:{type}" },
            message,
        }, JsonSerializerOptions.Web), Guid.NewGuid().ToString(), "application/vnd.masstransit+json");

    /// <summary>
    /// Waits for the queue to show no message: nothing was left behind or is stuck in redelivery. The management API's
    /// counts are sampled every few seconds, per queue, so one read right after another queue's count moved may be stale.
    /// </summary>
    private static Task DrainedAsync(IntegrationEnvironment environment, string queue) =>
        Eventually.WaitUntilAsync(async () => (await environment.QueuesAsync())[queue].Messages == 0, TimeSpan.FromSeconds(30),
            async () => $"{queue} keeps {(await environment.QueuesAsync())[queue].Messages} message(s)");
}
