namespace SagaWorkflow.Cli;

/// <summary>
/// Follows a workflow until it ends by polling the API. On a terminal it redraws the per-node table in place; when the
/// output is redirected (CI, a log file) it prints one line per node transition instead, then the final table.
/// </summary>
public sealed class WorkflowWatcher(ApiClient client, TextWriter output, bool interactive, TimeSpan pollInterval, TimeProvider? time = null)
{
    public async Task<int> WatchAsync(string id, CancellationToken cancellationToken)
    {
        var path = $"/api/v1/workflows/{Uri.EscapeDataString(id)}";
        var seen = new Dictionary<string, string>();
        var drawnLines = 0;
        var notYet = 0;
        while (true)
        {
            System.Text.Json.JsonElement workflow;
            try
            {
                workflow = await client.GetAsync(path, cancellationToken);
            }
            catch (ApiException ex) when (ex.Message.StartsWith("404", StringComparison.Ordinal) && ++notYet <= 20)
            {
                // Just submitted: the row appears once an orchestrator has consumed the command.
                await Task.Delay(pollInterval, cancellationToken);
                continue;
            }

            var finished = WorkflowTable.FinishedStates.Contains(WorkflowTable.State(workflow));
            if (interactive)
            {
                var table = WorkflowTable.Render(workflow);
                if (drawnLines > 0)
                    output.Write($"\u001b[{drawnLines}A\u001b[J"); // back to the table's first line, clear below
                output.WriteLine(table);
                drawnLines = table.Split(Environment.NewLine).Length;
            }
            else
            {
                foreach (var line in WorkflowTable.Transitions(workflow, seen, (time ?? TimeProvider.System).GetLocalNow()))
                    output.WriteLine(line);
                if (finished)
                    output.WriteLine(WorkflowTable.Render(workflow));
            }

            if (finished)
                return SagaflowCommand.ExitCodeOf(workflow, running: SagaflowCommand.Ok);
            await Task.Delay(pollInterval, cancellationToken);
        }
    }
}
