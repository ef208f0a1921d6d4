using System.Globalization;
using SagaWorkflow.ApiContracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SagaWorkflow.Cli;

/// <summary>Renders a workflow (the API's GET view) as a per-node table, and its nodes' transitions as lines.</summary>
public static class WorkflowTable
{
    public static readonly IReadOnlySet<string> FinishedStates = new HashSet<string> { "Completed", "Failed", "Cancelled" };
    private static readonly HashSet<string> SettledNodeStates = ["succeeded", "failed", "cancelled", "skipped"];

    /// <summary>The summary line, the node table, and the failure reason if any.</summary>
    public static IRenderable Render(WorkflowView workflow)
    {
        var settled = workflow.Nodes.Count(n => SettledNodeStates.Contains(n.State));
        var table = Tables.Create("NODE", "STATE", "ATTEMPT", "EXECUTOR", "TIME", "DETAIL");
        foreach (var n in workflow.Nodes)
            table.Row(n.Id, n.State, $"{n.Attempt}/{n.MaxAttempts}", n.ExecutorId, Millis(n.DurationMs), n.Error is { Length: > 0 } error ? error : n.WaitingReason);
        List<IRenderable> parts =
        [
            new Text($"workflow {workflow.Id} ({workflow.Definition}) {workflow.State}  {Bar(settled, workflow.Nodes.Count)} {settled}/{workflow.Nodes.Count} nodes settled"
                + (Millis(workflow.DurationMs) is { Length: > 0 } took ? $"  in {took}" : "")),
            table,
        ];
        if (workflow.FailureReason is { Length: > 0 } reason)
            parts.Add(new Text("reason: " + reason));
        return new Rows(parts);
    }

    /// <summary>
    /// One line per node whose (state, attempt) differs from <paramref name="previous"/>, stamped with when this poll saw
    /// it (<paramref name="seenAt"/>, local time); updates <paramref name="previous"/>.
    /// </summary>
    public static IEnumerable<string> Transitions(WorkflowView workflow, Dictionary<string, string> previous, DateTimeOffset seenAt)
    {
        foreach (var node in workflow.Nodes)
        {
            var now = $"{node.State} (attempt {node.Attempt})";
            if (previous.TryGetValue(node.Id, out var before) && before == now)
                continue;
            previous[node.Id] = now;
            var where = node.ExecutorId is { Length: > 0 } executor ? $" on {executor}" : "";
            var detail = node.Error is { Length: > 0 } error ? $": {error}" : node.WaitingReason is { Length: > 0 } waiting ? $" - {waiting}" : "";
            yield return $"{seenAt:HH:mm:ss.fff}  {node.Id}  {now}{where}{detail}";
        }
    }

    private static string Bar(int done, int total)
    {
        const int width = 20;
        var filled = total == 0 ? width : done * width / total;
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }

    private static string Millis(double? milliseconds) => milliseconds switch
    {
        null => "",
        >= 1000 => (milliseconds.Value / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s",
        _ => milliseconds.Value.ToString("0", CultureInfo.InvariantCulture) + " ms",
    };
}
