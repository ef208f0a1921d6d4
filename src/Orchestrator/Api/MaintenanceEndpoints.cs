using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Orchestrator.Retention;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// <c>POST /api/v1/maintenance/purge</c>: retention on demand (admin key), the same purge as the retention job. Each call
/// works at most <see cref="CallBudget"/> and says whether it is done, so a purge of millions of rows is many short
/// requests that report progress (the CLI repeats them), never one request that outlives an HTTP timeout.
/// </summary>
public static class MaintenanceEndpoints
{
    public static readonly TimeSpan CallBudget = TimeSpan.FromSeconds(2);

    public static RouteGroupBuilder MapMaintenanceEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/maintenance/purge", PurgeAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        return api;
    }

    private static async Task<IResult> PurgeAsync(HttpRequest request, WorkflowPurge purge, IOptions<RetentionOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestJson.ReadObjectAsync(request, cancellationToken);
        if (problem is not null)
            return problem;
        TimeSpan? olderThan = null;
        string? state = null;
        var dryRun = false;
        List<RequestProblem> problems = [];
        using (body)
        {
            var root = body!.RootElement;
            problems.AddRange(RequestJson.UnknownProperties(root, "purge takes 'olderThan' (e.g. \"7d\"), optional 'state' and 'dryRun'",
                RequestFields.Of<PurgeBody>()));
            if (!root.TryGetProperty("olderThan", out var age) || age.ValueKind == JsonValueKind.Null)
                problems.Add(new RequestProblem("olderThan", "'olderThan' is required: purge workflows that finished longer ago than this, e.g. \"30d\"."));
            else if (age.ValueKind != JsonValueKind.String || !FlexibleTimeSpanConverter.TryParse(age.GetString()!.Trim(), out var parsed))
                problems.Add(new RequestProblem("olderThan", $"'olderThan' must be a duration such as \"7d\", \"12h\" or \"90m\"; got {age.GetRawText()}."));
            else if (parsed < RetentionOptionsValidator.MinimumAge)
                problems.Add(new RequestProblem("olderThan",
                    $"'olderThan' must be at least 1h (a run that finished minutes ago may still be looked at; \"7m\" is seven minutes); got {age.GetRawText()}."));
            else
                olderThan = parsed;

            if (RequestJson.OptionalString(root, "state", problems) is { } named)
            {
                state = WorkflowPurge.FinishedStates.FirstOrDefault(s => s.Equals(named, StringComparison.OrdinalIgnoreCase));
                if (state is null)
                    problems.Add(new RequestProblem("state",
                        $"'state' must be a state a workflow ends in: {string.Join(", ", WorkflowPurge.FinishedStates)}; got '{named}' (running and paused workflows are never purged)."));
            }

            if (root.TryGetProperty("dryRun", out var dry) && dry.ValueKind != JsonValueKind.Null)
            {
                if (dry.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    dryRun = dry.GetBoolean();
                else
                    problems.Add(new RequestProblem("dryRun", $"'dryRun' must be true or false; got {dry.GetRawText()}."));
            }
        }

        if (problems.Count > 0)
            return ApiProblems.InvalidRequest(problems);

        var filter = new PurgeFilter(time.GetUtcNow().UtcDateTime - olderThan!.Value, state);
        string[] states = state is null ? [.. WorkflowPurge.FinishedStates] : [state];
        if (dryRun)
        {
            var counted = await purge.CountAsync(filter, cancellationToken);
            return Results.Ok(Answer(true, filter, states, counted, 0, done: true));
        }

        var result = await purge.PurgeAsync(filter, options.Value.BatchSize, CallBudget, progress: null, cancellationToken);
        return Results.Ok(Answer(false, filter, states, result.Purged, result.Batches, result.Done));
    }

    private static PurgeAnswer Answer(bool dryRun, PurgeFilter filter, string[] states, PurgeCounts counts, int batches, bool done) =>
        new(dryRun, filter.FinishedBefore, states, counts.Workflows, counts.Nodes, counts.Attempts, counts.ScheduleFires, batches, done);
}
