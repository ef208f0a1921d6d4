using System.Globalization;
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
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// <c>/api/v1/workflows</c>: submit, get, attempts and list (keyset paging); the control verbs (cancel, pause, resume,
/// retry) are mapped here and live in <see cref="WorkflowControlEndpoints"/>.
/// </summary>
public static class WorkflowEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    /// <summary>The saga's states as stored in <c>workflow_instances.current_state</c>.</summary>
    public static readonly IReadOnlyList<string> States = ["Running", "Paused", "Completed", "Failed", "Cancelled"];

    public static RouteGroupBuilder MapWorkflowEndpoints(this RouteGroupBuilder api)
    {
        var workflows = api.MapGroup("/workflows");
        workflows.MapPost("", SubmitAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        workflows.MapGet("", ListAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        workflows.MapGet("/{id}", GetAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        workflows.MapGet("/{id}/attempts", AttemptsAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        workflows.MapWorkflowControlEndpoints();
        workflows.MapNodeResolveEndpoint();
        workflows.MapWorkflowGraphEndpoints();
        return api;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest request, WorkflowDbContext db, IPublishEndpoint bus, CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestJson.ReadObjectAsync(request, cancellationToken);
        if (problem is not null)
            return problem;
        List<RequestProblem> problems = [];
        SubmitRequest submit;
        IReadOnlyList<DefinitionError> definitionErrors;
        using (body)
            submit = SubmitRequest.Read(body!.RootElement, problems, out definitionErrors);
        if (problems.Count > 0)
            return ApiProblems.InvalidRequest([.. problems, .. definitionErrors.Select(RequestProblem.OfDefinition)]);
        if (definitionErrors.Count > 0)
            return ApiProblems.InvalidDefinition(definitionErrors);
        var definition = submit.Inline;
        if (submit.DefinitionName is { } name)
        {
            (definition, problem) = await DefinitionEndpoints.ResolveAsync(db, name, submit.DefinitionVersion, cancellationToken);
            if (problem is not null)
                return problem;
        }

        // The saga rejects such a start too; checked here as well so the client hears why at once (a 400, not a WorkflowRejected).
        var unresolved = new List<DefinitionError>();
        RoutingKeys.ResolveAll(definition!, submit.Input, unresolved);
        if (unresolved.Count > 0)
            return ApiProblems.InvalidDefinition(unresolved);

        var location = $"/api/v1/workflows/{submit.Id}";
        // Idempotent submit: a known id starts nothing and answers with what exists (the saga ignores a second start too).
        if (await db.Workflows.AsNoTracking().AnyAsync(w => w.CorrelationId == submit.Id, cancellationToken))
            return Results.Ok(new SubmitAccepted(submit.Id, location, "exists"));
        await bus.Publish(new StartWorkflow { WorkflowId = submit.Id, Definition = definition, Input = submit.Input, Trigger = "api" }, cancellationToken);
        return Results.Accepted(location, new SubmitAccepted(submit.Id, location, "accepted"));
    }

    private static async Task<IResult> GetAsync(string id, WorkflowDbContext db, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryWorkflowId(id, out var workflowId, out var badId))
            return badId!;
        var workflow = await db.Workflows.AsNoTracking().Include(w => w.Nodes).AsSplitQuery()
            .SingleOrDefaultAsync(w => w.CorrelationId == workflowId, cancellationToken);
        return workflow is null ? NotFound(workflowId) : Results.Ok(workflow.ToView());
    }

    /// <summary>Every attempt of every node (the <c>node_attempts</c> rows): who ran it, how it ended, which results arrived late.</summary>
    private static async Task<IResult> AttemptsAsync(string id, WorkflowDbContext db, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryWorkflowId(id, out var workflowId, out var badId))
            return badId!;
        if (!await db.Workflows.AsNoTracking().AnyAsync(w => w.CorrelationId == workflowId, cancellationToken))
            return NotFound(workflowId);
        var attempts = await db.NodeAttempts.AsNoTracking().Where(a => a.WorkflowId == workflowId)
            .OrderBy(a => a.NodeId).ThenBy(a => a.Attempt)
            .Select(a => new AttemptView(a.NodeId, a.Attempt, a.ExecutorId, a.RedeliveredFrom, a.Outcome, a.ArrivedLate, a.SupersededReason, a.Error,
                a.DispatchedAt, a.StartedAt, a.FinishedAt))
            .ToListAsync(cancellationToken);
        return Results.Ok(new WorkflowAttempts(workflowId, attempts));
    }

    private static async Task<IResult> ListAsync(HttpRequest request, WorkflowDbContext db, CancellationToken cancellationToken)
    {
        var query = request.Query;
        var (workflows, problems) = Filter(db.Workflows.AsNoTracking(), query, withState: true);
        var limit = DefaultPageSize;
        if (query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxPageSize))
            problems.Add(("limit", $"must be a whole number from 1 to {MaxPageSize}; got '{limitText}'"));
        if (query["cursor"].ToString() is { Length: > 0 } cursorText)
        {
            if (!WorkflowListCursor.TryDecode(cursorText, out var cursor))
                problems.Add(("cursor", "is not a cursor this API issued; pass the 'nextCursor' of the previous page unchanged"));
            else
            {
                var (createdAt, after) = (cursor!.CreatedAt, cursor.Id);
                workflows = workflows.Where(w => w.CreatedAt < createdAt || (w.CreatedAt == createdAt && w.CorrelationId.CompareTo(after) < 0));
            }
        }

        if (problems.Count > 0)
            return ApiProblems.InvalidQuery(problems);
        var rows = await workflows.OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.CorrelationId).Take(limit + 1)
            .Select(w => new WorkflowSummary(w.CorrelationId, w.DefinitionName, w.DefinitionVersion, w.CurrentState, w.TriggeredBy,
                w.CreatedAt, w.FinishedAt, w.FailedNodeId))
            .ToListAsync(cancellationToken);
        var next = rows.Count > limit ? new WorkflowListCursor(rows[limit - 1].CreatedAt, rows[limit - 1].Id).Encode() : null;
        return Results.Ok(new WorkflowPage(rows.Take(limit).ToList(), next));
    }

    /// <summary>The list's filters (<c>state</c>, <c>definition</c>, <c>since</c>, <c>trigger</c>), shared with the counts.</summary>
    internal static (IQueryable<WorkflowState> Workflows, List<(string Parameter, string Message)> Problems) Filter(IQueryable<WorkflowState> workflows,
        IQueryCollection query, bool withState)
    {
        var problems = new List<(string Parameter, string Message)>();
        if (withState && query["state"].ToString() is { Length: > 0 } stateText)
        {
            var state = States.FirstOrDefault(s => s.Equals(stateText, StringComparison.OrdinalIgnoreCase));
            if (state is null)
                problems.Add(("state", $"must be one of {string.Join(", ", States)}; got '{stateText}'"));
            workflows = workflows.Where(w => w.CurrentState == state);
        }

        if (query["definition"].ToString() is { Length: > 0 } definitionName)
            workflows = workflows.Where(w => w.DefinitionName == definitionName);
        // What started it, as stored in triggered_by: api, cli, cron or message.
        if (query["trigger"].ToString() is { Length: > 0 } trigger)
            workflows = workflows.Where(w => w.TriggeredBy == trigger);
        if (query["since"].ToString() is { Length: > 0 } sinceText)
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
                problems.Add(("since", $"must be an ISO 8601 date-time such as 2026-11-23T08:00:00Z; got '{sinceText}'"));
            var sinceUtc = since.UtcDateTime;
            workflows = workflows.Where(w => w.CreatedAt >= sinceUtc);
        }

        return (workflows, problems);
    }

    internal static IResult NotFound(Guid id) => ApiProblems.NotFound(
        $"No workflow {id}. A workflow submitted a moment ago appears once an orchestrator has accepted it; an id that stays unknown was never submitted or was rejected.");
}
