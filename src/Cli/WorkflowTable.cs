using System.Globalization;
using System.Text.Json;

namespace SagaWorkflow.Cli;

/// <summary>Renders a workflow (the API's GET view) as a per-node table, and its nodes' transitions as lines.</summary>
public static class WorkflowTable
{
    public static readonly IReadOnlySet<string> FinishedStates = new HashSet<string> { "Completed", "Failed", "Cancelled" };
    private static readonly HashSet<string> SettledNodeStates = ["succeeded", "failed", "cancelled", "skipped"];

    private static readonly string[] Header = ["NODE", "STATE", "ATTEMPT", "EXECUTOR", "TIME", "DETAIL"];

    public static string State(JsonElement workflow) => workflow.Field("state").GetString()!;

    public static string Render(JsonElement workflow)
    {
        var nodes = workflow.Field("nodes").EnumerateArray().ToList();
        var settled = nodes.Count(n => SettledNodeStates.Contains(Str(n, "state")));
        var rows = new List<string[]> { Header };
        rows.AddRange(nodes.Select(n => new[]
        {
            Str(n, "id"), Str(n, "state"), $"{Num(n, "attempt")}/{Num(n, "maxAttempts")}", Str(n, "executorId"), Millis(n, "durationMs"),
            Str(n, "error") is { Length: > 0 } error ? error : Str(n, "waitingReason"),
        }));
        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var lines = new List<string>
        {
            $"workflow {Str(workflow, "id")} ({Str(workflow, "definition")}) {State(workflow)}  {Bar(settled, nodes.Count)} {settled}/{nodes.Count} nodes settled"
                + (Millis(workflow, "durationMs") is { Length: > 0 } took ? $"  in {took}" : ""),
        };
        lines.AddRange(rows.Select(r => string.Join("  ", r.Take(5).Select((cell, c) => cell.PadRight(widths[c]))) + "  " + r[5]));
        if (Str(workflow, "failureReason") is { Length: > 0 } reason)
            lines.Add("reason: " + reason);
        return string.Join(Environment.NewLine, lines.Select(l => l.TrimEnd()));
    }

    /// <summary>
    /// One line per node whose (state, attempt) differs from <paramref name="previous"/>, stamped with when this poll saw
    /// it (<paramref name="seenAt"/>, local time); updates <paramref name="previous"/>.
    /// </summary>
    public static IEnumerable<string> Transitions(JsonElement workflow, Dictionary<string, string> previous, DateTimeOffset seenAt)
    {
        foreach (var node in workflow.Field("nodes").EnumerateArray())
        {
            var id = Str(node, "id");
            var now = $"{Str(node, "state")} (attempt {Num(node, "attempt")})";
            if (previous.TryGetValue(id, out var before) && before == now)
                continue;
            previous[id] = now;
            var where = Str(node, "executorId") is { Length: > 0 } executor ? $" on {executor}" : "";
            var detail = Str(node, "error") is { Length: > 0 } error ? $": {error}" : Str(node, "waitingReason") is { Length: > 0 } waiting ? $" - {waiting}" : "";
            yield return $"{seenAt:HH:mm:ss.fff}  {id}  {now}{where}{detail}";
        }
    }

    private static string Bar(int done, int total)
    {
        const int width = 20;
        var filled = total == 0 ? width : done * width / total;
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }

    private static string Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Num(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetRawText() : "";

    private static string Millis(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble() >= 1000 ? (value.GetDouble() / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s"
            : value.GetDouble().ToString("0", CultureInfo.InvariantCulture) + " ms"
            : "";
}
