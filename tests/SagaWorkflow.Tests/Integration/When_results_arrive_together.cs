using System.Net.Http.Headers;
using System.Text.Json;
using SagaWorkflow.Tests.Api;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// Results for one workflow that wait in the saga queue together are applied in shared transactions (SagaBatch), their
/// saves written together at the end (SagaSaves); a message among them that fails gives up its transaction, ends in the
/// error queue alone, and the others are applied again by their retries: no other result is lost or doubled.
/// </summary>
public sealed class When_results_arrive_together(ITestOutputHelper output)
{
    private const int Width = 40;
    private const int Poison = 3;
    private const string AdminKey = "integration-admin-key-0123";

    [IntegrationTheory, Stores]
    public async Task They_share_transactions_and_a_failing_message_among_them_is_rolled_back_alone(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Setting("Api__Keys__0__Name", "ops").Setting("Api__Keys__0__Key", AdminKey));
        var environment = cluster.Environment;
        // No executor serves "manual": the nodes stay dispatched until this test reports their results itself.
        var workflowId = (await WithOrchestratorAsync(cluster, async _ =>
        {
            var ids = await Shapes.SubmitAllAsync(environment, [Shapes.Parallel(Width, "manual")]);
            await Eventually.WaitUntilAsync(
                async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'dispatched'") == Width,
                TimeSpan.FromMinutes(1), async () => $"{await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'dispatched'")} dispatched");
            return ids;
        })).Single();

        // With the orchestrator stopped, every result and the poison messages (resolving a node that is not in doubt
        // fails in the saga) queue up, so the next orchestrator receives them together.
        for (var i = 0; i < Width; i++)
        {
            await environment.PublishAsync("workflow-state", Envelope("NodeCompleted",
                new { workflowId, nodeId = $"p{i}", attempt = 1, executorId = "test", output = new { i }, timestamp = DateTime.UtcNow }),
                Guid.NewGuid().ToString(), "application/vnd.masstransit+json");
            if (i % (Width / Poison) == 1 && i / (Width / Poison) < Poison)
                await environment.PublishAsync("workflow-state", Envelope("ResolveNode", new { workflowId, nodeId = "p0", decision = "succeed" }),
                    Guid.NewGuid().ToString(), "application/vnd.masstransit+json");
        }

        var batches = await WithOrchestratorAsync(cluster, async orchestrator =>
        {
            await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));
            await Eventually.WaitUntilAsync(
                async () => (await environment.QueuesAsync()).GetValueOrDefault("workflow-state_error").Messages == Poison,
                TimeSpan.FromMinutes(1), async () => $"{(await environment.QueuesAsync()).GetValueOrDefault("workflow-state_error").Messages} in the error queue");
            using var client = new HttpClient { BaseAddress = await orchestrator.ApiUrlAsync() };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            var metrics = ExpositionFormat.Parse(await client.GetStringAsync("/metrics"));
            return (Count: Value(metrics, "sagaworkflow_saga_batch_messages_count"), Sum: Value(metrics, "sagaworkflow_saga_batch_messages_sum"),
                Abandoned: Value(metrics, "sagaworkflow_saga_batches_abandoned_total"));
        });

        Assert.Equal(["Completed"], (await environment.QueryAsync($"SELECT current_state FROM workflow_instances WHERE correlation_id = '{workflowId}'")).Single());
        Assert.Equal(Width, await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded' AND attempt = 1"));
        Assert.Equal(Width, await environment.CountAsync("SELECT COUNT(*) FROM node_attempts WHERE outcome = 'succeeded'"));
        Assert.All(await environment.QueryAsync("SELECT node_id, output_json FROM workflow_nodes"),
            r => Assert.Equal((string)r[0]!, "p" + JsonDocument.Parse((string)r[1]!).RootElement.GetProperty("i").GetInt32()));
        var errors = await environment.GetMessagesAsync("workflow-state_error", Poison);
        Assert.All(errors, m => Assert.Contains("ResolveNode", m.GetProperty("payload").GetString()!, StringComparison.Ordinal));
        // Every result was applied by this orchestrator, in fewer transactions than messages: they were batched.
        Assert.InRange(batches.Sum, Width, Width + Poison);
        Assert.InRange(batches.Count, 1, batches.Sum - 1);
        // Each poison message failed on its first delivery, which saves at the end of its transaction: each gave one up.
        Assert.Equal(Poison, batches.Abandoned);
    }

    private static async Task<T> WithOrchestratorAsync<T>(TestCluster cluster, Func<ServiceProcess, Task<T>> body)
    {
        var orchestrator = await cluster.StartOrchestratorAsync();
        var result = await body(orchestrator);
        Assert.Equal(0, await orchestrator.TerminateAsync(TimeSpan.FromSeconds(30)));
        return result;
    }

    private static double Value(ExpositionFormat.Scrape metrics, string name) =>
        metrics.Of(name).Single(s => s.Labels.GetValueOrDefault("saga") == "WorkflowState").Value;

    private static string Envelope(string type, object message) => JsonSerializer.Serialize(new
    {
        messageId = Guid.NewGuid(),
        messageType = new[] { $"urn:message:SagaWorkflow.Contracts:{type}" },
        message,
    }, JsonSerializerOptions.Web);
}
