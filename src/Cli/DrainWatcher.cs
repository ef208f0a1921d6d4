using System.Globalization;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.CommandLine;

namespace SagaWorkflow.Cli;

/// <summary>
/// <c>drain &lt;executor&gt; --watch</c>: polls <c>GET /api/v1/executors</c> until that executor reports drained (or stops),
/// printing a line whenever its state or in-flight count changes. The drain request is told apart from an earlier one by
/// <c>drainRequestedAt</c>: an old <c>drainedAt</c> seen before the orchestrator recorded this request does not count.
/// </summary>
public sealed class DrainWatcher(ApiClient client, TextWriter output, TimeSpan pollInterval)
{
    /// <summary>The executor's <c>drainRequestedAt</c> before the request, to tell the new drain from an old one.</summary>
    public async Task<DateTime?> DrainRequestedAtAsync(string executorId, CancellationToken cancellationToken) =>
        (await FindAsync(executorId, cancellationToken))?.DrainRequestedAt;

    public async Task<int> WatchAsync(string executorId, DateTime? requestedBefore, CancellationToken cancellationToken)
    {
        string? shown = null;
        while (true)
        {
            var executor = await FindAsync(executorId, cancellationToken)
                ?? throw new ApiException($"executor {executorId} is no longer listed by GET /api/v1/executors");
            var line = $"executor {executorId}: {executor.State}, {executor.InFlight.ToString(CultureInfo.InvariantCulture)} in flight";
            if (line != shown)
                output.WriteLine(line);
            shown = line;
            if (executor.DrainRequestedAt is { } requested && requested != requestedBefore && executor.DrainedAt is { } drainedAt)
            {
                output.WriteLine($"executor {executorId} drained at {drainedAt:O}");
                return ExitCodes.Ok;
            }

            switch (executor.State)
            {
                case "Stopped":
                    output.WriteLine($"executor {executorId} stopped");
                    return ExitCodes.Ok;
                case "Lost":
                    output.WriteLine($"executor {executorId} was lost before it drained; its attempts are reassigned (GET /api/v1/executors: lostReason)");
                    return ExitCodes.Failed;
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }

    private async Task<ExecutorView?> FindAsync(string executorId, CancellationToken cancellationToken) =>
        (await client.GetAsync<List<ExecutorView>>("/api/v1/executors", cancellationToken)).Find(e => e.Id == executorId);
}
