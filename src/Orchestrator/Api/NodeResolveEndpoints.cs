using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// <c>POST /api/v1/workflows/{id}/nodes/{nodeId}/resolve</c> with <c>{"decision": "succeed|retry|fail", "output": ..., "reason": "..."}</c>:
/// an operator's decision on a node parked <c>in_doubt</c> (its executor was lost and its policy is <c>park</c>). The node's
/// state is checked first, so a node that is not in doubt gets a 409 here instead of a command for the error queue.
/// </summary>
public static class NodeResolveEndpoints
{
    private const string Takes = "resolve takes 'decision' (succeed, retry or fail), an optional 'output' (succeed only) and an optional 'reason'";
    private static readonly string[] Decisions = [ResolveNode.Succeed, ResolveNode.Retry, ResolveNode.Fail];

    public static RouteGroupBuilder MapNodeResolveEndpoint(this RouteGroupBuilder workflows)
    {
        workflows.MapPost("/{id}/nodes/{nodeId}/resolve", ResolveAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        return workflows;
    }

    private static async Task<IResult> ResolveAsync(string id, string nodeId, HttpRequest request, WorkflowDbContext db, ISendEndpointProvider sendEndpoints,
        CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryWorkflowId(id, out var workflowId, out var badId))
            return badId!;
        var (body, problem) = await RequestJson.ReadObjectAsync(request, cancellationToken);
        if (problem is not null)
            return problem;
        using var document = body!;
        var command = Read(document.RootElement, workflowId, nodeId, out var problems);
        if (problems.Count > 0)
            return ApiProblems.InvalidRequest(problems);

        var workflowState = await db.Workflows.AsNoTracking().Where(w => w.CorrelationId == workflowId).Select(w => w.CurrentState)
            .SingleOrDefaultAsync(cancellationToken);
        if (workflowState is null)
            return WorkflowEndpoints.NotFound(workflowId);
        var nodeState = await db.Nodes.AsNoTracking().Where(n => n.WorkflowId == workflowId && n.NodeId == nodeId).Select(n => (NodeStatus?)n.State)
            .SingleOrDefaultAsync(cancellationToken);
        if (nodeState is not { } state)
            return ApiProblems.NotFound($"Workflow {workflowId} has no node '{nodeId}'.");
        if (state != NodeStatus.InDoubt)
            return ApiProblems.Conflict($"Node '{nodeId}' of workflow {workflowId} is {NodeStatusText.Of(state)}; resolve applies to a node that is in_doubt.");

        var endpoint = await sendEndpoints.GetSendEndpoint(NodeQueues.WorkflowStateAddress);
        await endpoint.Send(command, cancellationToken);
        var location = $"/api/v1/workflows/{workflowId}";
        return Results.Accepted(location, new NodeResolveAnswer(workflowId, nodeId, $"{command.Decision} requested", location));
    }

    private static ResolveNode Read(JsonElement body, Guid workflowId, string nodeId, out List<RequestProblem> problems)
    {
        problems = [.. RequestJson.UnknownProperties(body, Takes, RequestFields.Of<ResolveBody>())];
        var decision = RequestJson.OptionalString(body, "decision", problems);
        if (decision is null && !problems.Exists(p => p.Property == "decision"))
            problems.Add(new RequestProblem("decision", $"'decision' is required: {string.Join(", ", Decisions)}."));
        else if (decision is not null && !Decisions.Contains(decision, StringComparer.Ordinal))
            problems.Add(new RequestProblem("decision", $"'decision' must be {string.Join(", ", Decisions)}; got '{decision}'."));
        JsonElement? output = body.TryGetProperty("output", out var o) && o.ValueKind != JsonValueKind.Null ? o.Clone() : null;
        if (output is not null && decision is not null && decision != ResolveNode.Succeed)
            problems.Add(new RequestProblem("output", $"'output' goes with decision succeed only; got decision '{decision}'."));
        var reason = RequestJson.OptionalString(body, "reason", problems);
        return new ResolveNode { WorkflowId = workflowId, NodeId = nodeId, Decision = decision ?? "", Output = output, Reason = reason ?? "resolved through the API" };
    }
}
