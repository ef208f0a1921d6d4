using System.Text.Json;

namespace SagaWorkflow.Tests.Integration;

[Collection(IntegrationCollection.Name)]
public sealed class When_the_saga_queue_receives_bad_messages
{
    [IntegrationTheory, Stores]
    public async Task Malformed_json_and_a_result_for_an_unknown_workflow_end_in_the_error_queue_with_a_reason(Store store)
    {
        await using var environment = await IntegrationEnvironment.CreateAsync(store);
        var settings = environment.ProcessSettings();
        await using var orchestrator = await ServiceProcess.OrchestratorAsync("orchestrator", settings);
        await using var executor = await ServiceProcess.ExecutorAsync("executor", settings, "noop", concurrency: 2);
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
        Assert.Equal(0, (await environment.QueuesAsync())["workflow-state"].Messages);
    }
}
