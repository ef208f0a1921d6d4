using System.Text.Json;

namespace SagaWorkflow.Tests.Integration;

/// <summary>Workflow definitions of the usual shapes, as the plain-JSON bodies a client submits.</summary>
public static class Shapes
{
    public static object Node(string id, string capability, object? input = null, params string[] dependsOn) =>
        new { id, capability, input, dependsOn };

    public static object Chain(int length, string capability, object? input = null) => Definition("chain",
        Enumerable.Range(0, length).Select(i => i == 0 ? Node("s0", capability, input) : Node($"s{i}", capability, input, $"s{i - 1}")));

    public static object Diamond(string capability, object? input = null) => Definition("diamond",
        [Node("a", capability, input), Node("b", capability, input, "a"), Node("c", capability, input, "a"), Node("d", capability, input, "b", "c")]);

    public static object FanOut(int width, string capability, object? input = null) => Definition("fan-out",
        [Node("root", capability, input), .. Enumerable.Range(0, width).Select(i => Node($"child-{i}", capability, input, "root")),
            Node("join", capability, input, [.. Enumerable.Range(0, width).Select(i => $"child-{i}")])]);

    public static object Parallel(int width, string capability, object? input = null) => Definition("parallel",
        Enumerable.Range(0, width).Select(i => Node($"p{i}", capability, input)));

    public static object Definition(string name, IEnumerable<object> nodes) => new { name, version = 1, nodes = nodes.ToArray() };

    /// <summary>The body a non-.NET client publishes to <c>workflow-submit</c>.</summary>
    public static string Submit(Guid workflowId, object definition) =>
        JsonSerializer.Serialize(new { workflowId, definition }, JsonSerializerOptions.Web);

    public static async Task<List<Guid>> SubmitAllAsync(IntegrationEnvironment environment, IEnumerable<object> definitions)
    {
        var ids = new List<Guid>();
        foreach (var definition in definitions)
        {
            var id = Guid.NewGuid();
            await environment.PublishAsync("workflow-submit", Submit(id, definition), messageId: id.ToString());
            ids.Add(id);
        }

        return ids;
    }

    public static Task WaitForFinishedAsync(IntegrationEnvironment environment, int count, TimeSpan timeout) =>
        Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state IN ('Completed','Failed','Cancelled')") >= count,
            timeout,
            () => ProgressReportAsync(environment));

    /// <summary>Where the workflows and their nodes stand, and which queues hold what: the message of a wait that timed out.</summary>
    public static async Task<string> ProgressReportAsync(IntegrationEnvironment environment) =>
        string.Join(", ", (await environment.QueryAsync("SELECT current_state, COUNT(*) FROM workflow_instances GROUP BY current_state"))
            .Select(r => $"{r[0]}={r[1]}")) + "; nodes: " + string.Join(", ", (await environment.QueryAsync("SELECT node_id, state, COUNT(*) FROM workflow_nodes GROUP BY node_id, state"))
            .Select(r => $"{r[0]} {r[1]}={r[2]}")) + "; executors: " + string.Join(", ", (await environment.QueryAsync("SELECT executor_id, current_state FROM executors"))
            .Select(r => $"{r[0]} {r[1]}")) + "; queues: " + await environment.QueueReportAsync();
}
