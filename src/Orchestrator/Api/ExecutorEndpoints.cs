using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary><c>/api/v1/executors</c>: the registry as the orchestrators see it, drain, and capacity.</summary>
public static class ExecutorEndpoints
{
    public static RouteGroupBuilder MapExecutorEndpoints(this RouteGroupBuilder api)
    {
        var executors = api.MapGroup("/executors");
        executors.MapGet("", ListAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        executors.MapPost("/{id}/drain", DrainAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        executors.MapPut("/{id}/capacity", ExecutorCapacityEndpoint.SetAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        return api;
    }

    private static async Task<IResult> ListAsync(WorkflowDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Executors.AsNoTracking().OrderBy(e => e.ExecutorId).ToListAsync(cancellationToken);
        return Results.Ok(rows.Select(e => new ExecutorView(e.ExecutorId, e.CurrentState, Split(e.Capabilities), Split(e.Pools), e.Concurrency,
            e.InFlightCount, e.Host, e.AgentVersion, e.LastHeartbeatAt, e.HeartbeatTimeoutMs, e.LostAt, e.LostReason, e.DrainRequestedAt,
            e.DrainedAt)).ToList());
    }

    private static async Task<IResult> DrainAsync(string id, HttpRequest request, WorkflowDbContext db, IPublishEndpoint bus,
        CancellationToken cancellationToken)
    {
        TimeSpan? deadline = null;
        string? reason = null;
        var (body, problem) = await RequestJson.ReadOptionalObjectAsync(request, cancellationToken);
        if (problem is not null)
            return problem;
        if (body is not null)
        {
            List<RequestProblem> problems = [];
            using (body)
            {
                var root = body.RootElement;
                problems.AddRange(RequestJson.UnknownProperties(root, "drain takes optional 'deadline' (e.g. \"30s\") and 'reason'", RequestFields.Of<DrainBody>()));
                // null is no deadline, as the CLI sends it when --deadline is not given.
                if (root.TryGetProperty("deadline", out var d) && d.ValueKind != JsonValueKind.Null)
                {
                    if (d.ValueKind == JsonValueKind.String && FlexibleTimeSpanConverter.TryParse(d.GetString()!, out var parsed) && parsed >= TimeSpan.Zero)
                        deadline = parsed;
                    else
                        problems.Add(new RequestProblem("deadline", $"'deadline' must be a duration such as \"30s\" or \"5m\"; got {d.GetRawText()}."));
                }

                reason = RequestJson.OptionalString(root, "reason", problems);
            }

            if (problems.Count > 0)
                return ApiProblems.InvalidRequest(problems);
        }

        var state = await db.Executors.AsNoTracking().Where(e => e.ExecutorId == id).Select(e => e.CurrentState).SingleOrDefaultAsync(cancellationToken);
        if (state is null)
            return ApiProblems.NotFound($"No executor '{id}' has ever announced itself; GET /api/v1/executors lists the known ones.");
        if (state is "Lost" or "Stopped")
            return ApiProblems.Conflict($"Executor '{id}' is {state}; only an Online or Draining executor can drain.");
        await bus.Publish(new DrainExecutor { ExecutorId = id, Deadline = deadline, Reason = reason ?? "drain requested through the API" }, cancellationToken);
        return Results.Accepted("/api/v1/executors", new DrainAnswer(id, "drain requested", deadline?.ToString("c")));
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
