using SagaWorkflow.ApiContracts;
using SagaWorkflow.CommandLine;
using Spectre.Console;

namespace SagaWorkflow.Cli;

/// <summary>
/// Follows a workflow until it ends by polling the API. On a terminal the per-node table is redrawn in place (a Spectre
/// live display); when the output is redirected (CI, a log file) it prints one line per node transition instead, then
/// the final table.
/// </summary>
public sealed class WorkflowWatcher(ApiClient client, Screen screen, TimeSpan pollInterval, TimeProvider? time = null)
{
    public async Task<int> WatchAsync(Guid id, CancellationToken cancellationToken)
    {
        var first = await FirstAsync(id, cancellationToken);
        if (!screen.Interactive)
            return await FollowPlainAsync(id, first, cancellationToken);
        var outcome = ExitCodes.Ok;
        await screen.Console.Live(WorkflowTable.Render(first)).StartAsync(async live =>
        {
            for (var workflow = first; ; workflow = await GetAsync(id, cancellationToken))
            {
                live.UpdateTarget(WorkflowTable.Render(workflow));
                if (Finished(workflow))
                {
                    outcome = ExitCodeOf(workflow);
                    return;
                }

                await Task.Delay(pollInterval, cancellationToken);
            }
        });
        return outcome;
    }

    public static int ExitCodeOf(WorkflowView workflow) => workflow.State switch
    {
        "Failed" => ExitCodes.Failed,
        "Cancelled" => ExitCodes.Cancelled,
        _ => ExitCodes.Ok,
    };

    private async Task<int> FollowPlainAsync(Guid id, WorkflowView first, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, string>();
        for (var workflow = first; ; workflow = await GetAsync(id, cancellationToken))
        {
            foreach (var line in WorkflowTable.Transitions(workflow, seen, (time ?? TimeProvider.System).GetLocalNow()))
                screen.WriteLine(line);
            if (Finished(workflow))
            {
                screen.WriteLine(Screen.Plain(WorkflowTable.Render(workflow)));
                return ExitCodeOf(workflow);
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }

    /// <summary>Just submitted, the workflow appears once an orchestrator has consumed the command: a few 404s are expected.</summary>
    private async Task<WorkflowView> FirstAsync(Guid id, CancellationToken cancellationToken)
    {
        for (var notYet = 1; ; notYet++)
        {
            try
            {
                return await GetAsync(id, cancellationToken);
            }
            catch (ApiException ex) when (ex.Message.StartsWith("404", StringComparison.Ordinal) && notYet <= 20)
            {
                await Task.Delay(pollInterval, cancellationToken);
            }
        }
    }

    private Task<WorkflowView> GetAsync(Guid id, CancellationToken cancellationToken) =>
        client.GetAsync<WorkflowView>($"/api/v1/workflows/{id}", cancellationToken);

    private static bool Finished(WorkflowView workflow) => WorkflowTable.FinishedStates.Contains(workflow.State);
}
