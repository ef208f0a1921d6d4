using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// Reads the dashboard needs beside the workflow view: <c>GET /api/v1/workflows/{id}/graph</c> (the run's shape, fetched
/// once instead of carried in every poll) and <c>GET /api/v1/workflows/counts</c> (workflows per state, with the list's filters).
/// </summary>
public static class WorkflowGraphEndpoints
{
    public static RouteGroupBuilder MapWorkflowGraphEndpoints(this RouteGroupBuilder workflows)
    {
        workflows.MapGet("/counts", CountsAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        workflows.MapGet("/{id}/graph", GraphAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        return workflows;
    }

    private static async Task<IResult> GraphAsync(string id, WorkflowDbContext db, CancellationToken cancellationToken)
    {
        if (!ApiProblems.TryWorkflowId(id, out var workflowId, out var badId))
            return badId!;
        var workflow = await db.Workflows.AsNoTracking().Where(w => w.CorrelationId == workflowId)
            .Select(w => new { w.DefinitionName, w.DefinitionVersion }).SingleOrDefaultAsync(cancellationToken);
        if (workflow is null)
            return WorkflowEndpoints.NotFound(workflowId);
        var nodes = await db.Nodes.AsNoTracking().Where(n => n.WorkflowId == workflowId).OrderBy(n => n.Ordinal)
            .Select(n => new { n.NodeId, n.Capability, n.DependsOnJson, n.InputJson }).ToListAsync(cancellationToken);
        return Results.Ok(new WorkflowGraph(workflowId, workflow.DefinitionName, workflow.DefinitionVersion, nodes
            .Select(n => new GraphNode(n.NodeId, n.Capability, JsonSerializer.Deserialize<string[]>(n.DependsOnJson) ?? [],
                n.InputJson is null ? null : JsonDocument.Parse(n.InputJson).RootElement.Clone()))
            .ToList()));
    }

    /// <summary>Counts per state under the same <c>definition</c>, <c>since</c> and <c>trigger</c> filters as the list.</summary>
    private static async Task<IResult> CountsAsync(HttpRequest request, WorkflowDbContext db, CancellationToken cancellationToken)
    {
        var (workflows, problems) = WorkflowEndpoints.Filter(db.Workflows.AsNoTracking(), request.Query, withState: false);
        if (problems.Count > 0)
            return ApiProblems.InvalidQuery(problems);
        var counts = await workflows.GroupBy(w => w.CurrentState).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var states = WorkflowEndpoints.States.ToDictionary(s => s, s => counts.GetValueOrDefault(s));
        return Results.Ok(new WorkflowCounts(states, counts.Values.Sum()));
    }
}
