using System.Globalization;
using System.Text.Json;

namespace SagaWorkflow.Cli;

/// <summary>
/// <c>drain &lt;executor&gt; --watch</c>: polls <c>GET /api/v1/executors</c> until that executor reports drained (or stops),
/// printing a line whenever its state or in-flight count changes. The drain request is told apart from an earlier one by
/// <c>drainRequestedAt</c>: an old <c>drainedAt</c> seen before the orchestrator recorded this request does not count.
/// </summary>
public sealed class DrainWatcher(ApiClient client, TextWriter output, TimeSpan pollInterval)
{
    /// <summary>The executor's <c>drainRequestedAt</c> before the request, to tell the new drain from an old one.</summary>
    public async Task<string?> DrainRequestedAtAsync(string executorId, CancellationToken cancellationToken) =>
        await FindAsync(executorId, cancellationToken) is { } executor ? Text(executor, "drainRequestedAt") : null;

    public async Task<int> WatchAsync(string executorId, string? requestedBefore, CancellationToken cancellationToken)
    {
        string? shown = null;
        while (true)
        {
            var executor = await FindAsync(executorId, cancellationToken)
                ?? throw new ApiException($"executor {executorId} is no longer listed by GET /api/v1/executors");
            var state = executor.Field("state").GetString();
            var line = $"executor {executorId}: {state}, {executor.Field("inFlight").GetInt32().ToString(CultureInfo.InvariantCulture)} in flight";
            if (line != shown)
                output.WriteLine(line);
            shown = line;
            var requested = Text(executor, "drainRequestedAt");
            if (requested is not null && requested != requestedBefore && Text(executor, "drainedAt") is { } drainedAt)
            {
                output.WriteLine($"executor {executorId} drained at {drainedAt}");
                return SagaflowCommand.Ok;
            }

            switch (state)
            {
                case "Stopped":
                    output.WriteLine($"executor {executorId} stopped");
                    return SagaflowCommand.Ok;
                case "Lost":
                    output.WriteLine($"executor {executorId} was lost before it drained; its attempts are reassigned (GET /api/v1/executors: lostReason)");
                    return SagaflowCommand.WorkflowFailed;
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }

    private async Task<JsonElement?> FindAsync(string executorId, CancellationToken cancellationToken)
    {
        var executors = await client.GetAsync("/api/v1/executors", cancellationToken);
        foreach (var executor in executors.EnumerateArray())
        {
            if (executor.Field("id").GetString() == executorId)
                return executor;
        }

        return null;
    }

    private static string? Text(JsonElement executor, string name) =>
        executor.Field(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
