using System.Text.Json;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>Structured logs: every line about a workflow carries its ids as scope fields, in both process kinds.</summary>
public sealed class When_processes_log_as_json(ITestOutputHelper output)
{
    [IntegrationTheory, Stores]
    public async Task Lines_about_a_failing_node_carry_workflow_node_attempt_and_executor_in_scope(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c
            // The http node calls a loopback address, which the executor refuses unless it is allowed.
            .Setting("Executor__Http__Allow__0", "127.0.0.0/8")
            .Setting("Logging__Console__FormatterName", "json")
            .Orchestrator().Executor("executor-json", "http", concurrency: 1));
        var (environment, orchestrator, executor) = (cluster.Environment, cluster["orchestrator"], cluster["executor-json"]);
        var id = Guid.NewGuid();

        await environment.PublishAsync("workflow-submit", JsonSerializer.Serialize(new
        {
            workflowId = id,
            definition = new { name = "json-logs", nodes = new[] { new { id = "call", capability = "http", input = new { method = "GET", url = "http://127.0.0.1:9/", timeout = "2s" } } } },
        }));
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));

        // The executor's warning about the attempt, and the orchestrator's line about the workflow failing.
        var attemptLine = await LineAsync(executor, "Node call attempt 1 failed");
        Assert.Equal(id.ToString(), Scope(attemptLine, "WorkflowId"));
        Assert.Equal("call", Scope(attemptLine, "NodeId"));
        Assert.Equal("1", Scope(attemptLine, "Attempt"));
        Assert.Equal("executor-json", Scope(attemptLine, "ExecutorId"));
        var failedLine = await LineAsync(orchestrator, $"Workflow {id} failed");
        Assert.Equal(id.ToString(), Scope(failedLine, "WorkflowId"));
        Assert.Equal("executor-json", Scope(failedLine, "ExecutorId"));
    }

    /// <summary>The first JSON log line whose message contains <paramref name="text"/> (it may be written just after the row changed).</summary>
    private static async Task<JsonElement> LineAsync(ServiceProcess process, string text)
    {
        JsonElement found = default;
        await Eventually.WaitUntilAsync(() =>
        {
            foreach (var line in process.Output.Split('\n').Where(l => l.StartsWith('{')))
            {
                var entry = JsonDocument.Parse(line).RootElement;
                if (entry.GetProperty("Message").GetString()!.Contains(text, StringComparison.Ordinal))
                {
                    found = entry.Clone();
                    return Task.FromResult(true);
                }
            }

            return Task.FromResult(false);
        }, TimeSpan.FromSeconds(30), () => Task.FromResult($"{process.Name} never logged '{text}':\n{process.Output}"));
        return found;
    }

    private static string? Scope(JsonElement line, string field) =>
        line.GetProperty("Scopes").EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(field, out _))
            .Select(s => s.GetProperty(field).ToString()).FirstOrDefault();
}
