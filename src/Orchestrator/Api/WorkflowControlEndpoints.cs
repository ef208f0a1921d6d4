using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// <c>POST /api/v1/workflows/{id}/cancel|pause|resume|retry</c>: each checks the workflow's state first, so a request
/// that cannot apply gets a 409 saying why instead of a command the saga would ignore; a request that is already
/// satisfied (pausing a paused run) answers 200 and sends nothing. Optional body <c>{"reason": "..."}</c>.
/// </summary>
public static class WorkflowControlEndpoints
{
    private sealed record Control(string Verb, string[] From, string[] AlreadyIn, Func<Guid, string, object> Command);

    private static readonly Control[] Controls =
    [
        new("cancel", ["Running", "Paused"], ["Cancelled"], (id, reason) => new CancelWorkflow { WorkflowId = id, Reason = reason }),
        new("pause", ["Running"], ["Paused"], (id, reason) => new PauseWorkflow { WorkflowId = id, Reason = reason }),
        new("resume", ["Paused"], ["Running"], (id, reason) => new ResumeWorkflow { WorkflowId = id, Reason = reason }),
        new("retry", ["Failed", "Cancelled"], [], (id, reason) => new RetryWorkflow { WorkflowId = id, Reason = reason }),
    ];

    public static RouteGroupBuilder MapWorkflowControlEndpoints(this RouteGroupBuilder workflows)
    {
        foreach (var control in Controls)
        {
            workflows.MapPost($"/{{id}}/{control.Verb}", (string id, HttpRequest request, WorkflowDbContext db, IPublishEndpoint bus, CancellationToken ct) =>
                    SendAsync(control, id, request, db, bus, ct))
                .AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        }

        return workflows;
    }

    private static async Task<IResult> SendAsync(Control control, string id, HttpRequest request, WorkflowDbContext db, IPublishEndpoint bus,
        CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryWorkflowId(id, out var workflowId, out var badId))
            return badId!;
        var (reason, problem) = await ReasonAsync(request, control.Verb, cancellationToken);
        if (problem is not null)
            return problem;

        var state = await db.Workflows.AsNoTracking().Where(w => w.CorrelationId == workflowId).Select(w => w.CurrentState)
            .SingleOrDefaultAsync(cancellationToken);
        var location = $"/api/v1/workflows/{workflowId}";
        if (state is null)
            return WorkflowEndpoints.NotFound(workflowId);
        if (control.AlreadyIn.Contains(state))
            return Results.Ok(new WorkflowControlAnswer(workflowId, $"already {state}", location));
        if (!control.From.Contains(state))
            return ApiProblems.Conflict($"Workflow {workflowId} is {state}; {control.Verb} applies to a workflow that is {string.Join(" or ", control.From)}.");
        await bus.Publish(control.Command(workflowId, reason ?? $"{control.Verb} through the API"), cancellationToken);
        return Results.Accepted(location, new WorkflowControlAnswer(workflowId, $"{control.Verb} requested", location));
    }

    private static async Task<(string? Reason, IResult? Problem)> ReasonAsync(HttpRequest request, string verb, CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestJson.ReadOptionalObjectAsync(request, cancellationToken);
        if (problem is not null || body is null)
            return (null, problem);
        using var document = body;
        List<RequestProblem> problems = [.. RequestJson.UnknownProperties(document.RootElement, $"{verb} takes an optional 'reason'", RequestFields.Of<ControlBody>())];
        var reason = RequestJson.OptionalString(document.RootElement, "reason", problems);
        return problems.Count > 0 ? (null, ApiProblems.InvalidRequest(problems)) : (reason, null);
    }
}
