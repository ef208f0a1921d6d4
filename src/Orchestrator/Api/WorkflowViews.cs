using System.Text.Json;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>What <c>GET /api/v1/workflows/{id}</c> returns: the workflow row and every node row, JSON kept as JSON.</summary>
public sealed record WorkflowView(
    Guid Id, string Definition, int DefinitionVersion, string State, string Trigger, string? ScheduleId,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? FinishedAt, double? DurationMs,
    JsonElement? Input, JsonElement? Output, string? FailedNode, string? FailureReason, IReadOnlyList<NodeView> Nodes)
{
    public static WorkflowView From(WorkflowState workflow) => new(
        workflow.CorrelationId, workflow.DefinitionName, workflow.DefinitionVersion, workflow.CurrentState, workflow.TriggeredBy,
        workflow.ScheduleId, workflow.CreatedAt, workflow.UpdatedAt, workflow.FinishedAt,
        workflow.FinishedAt is { } finished ? (finished - workflow.CreatedAt).TotalMilliseconds : null,
        Json(workflow.InputJson), Json(workflow.OutputJson), workflow.FailedNodeId, workflow.FailureReason,
        workflow.Nodes.OrderBy(n => n.Ordinal).Select(NodeView.From).ToList());

    internal static JsonElement? Json(string? text) => text is null ? null : JsonDocument.Parse(text).RootElement.Clone();
}

/// <summary>One node as the API shows it: state, attempt, where and when it ran, what it produced or why it failed.</summary>
public sealed record NodeView(
    string Id, string Capability, string State, int Attempt, int MaxAttempts, int Failovers, string? ExecutorId,
    DateTime? DispatchedAt, DateTime? StartedAt, DateTime? FinishedAt, double? DurationMs, DateTime? NextAttemptAt,
    string? WaitingReason, JsonElement? Output, string? Error)
{
    public static NodeView From(WorkflowNodeState node) => new(
        node.NodeId, node.Capability, NodeStatusText.Of(node.State), node.Attempt, node.MaxAttempts, node.Failovers, node.ExecutorId,
        node.DispatchedAt, node.StartedAt, node.FinishedAt,
        node is { StartedAt: { } started, FinishedAt: { } finished } ? (finished - started).TotalMilliseconds : null,
        node.NextAttemptAt, node.WaitingReason, WorkflowView.Json(node.OutputJson), node.Error);
}

/// <summary>A row of <c>GET /api/v1/workflows</c>: enough to pick one to open, without the nodes.</summary>
public sealed record WorkflowSummary(
    Guid Id, string Definition, int DefinitionVersion, string State, string Trigger, DateTime CreatedAt, DateTime? FinishedAt,
    string? FailedNode);

/// <summary>A page of workflows, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record WorkflowPage(IReadOnlyList<WorkflowSummary> Items, string? NextCursor);

/// <summary>What a submit returns: the id to poll, its Location, and whether this call created it.</summary>
public sealed record SubmitAccepted(Guid Id, string Location, string Status);

/// <summary>One <c>node_attempts</c> row as <c>GET /api/v1/workflows/{id}/attempts</c> shows it.</summary>
public sealed record AttemptView(
    string Node, int Attempt, string? ExecutorId, string? RedeliveredFrom, string Outcome, bool ArrivedLate, string? SupersededReason,
    string? Error, DateTime DispatchedAt, DateTime? StartedAt, DateTime? FinishedAt);
