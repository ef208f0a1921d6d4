using System.Text.Json;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>The saga's rows as the API shows them (the shapes are in SagaWorkflow.ApiContracts, shared with sagaflow).</summary>
public static class WorkflowViews
{
    /// <summary>What <c>GET /api/v1/workflows/{id}</c> returns: the workflow row and every node row, JSON kept as JSON.</summary>
    public static WorkflowView ToView(this WorkflowState workflow) => new(
        workflow.CorrelationId, workflow.DefinitionName, workflow.DefinitionVersion, workflow.CurrentState, workflow.TriggeredBy,
        workflow.ScheduleId, workflow.CreatedAt, workflow.UpdatedAt, workflow.FinishedAt,
        workflow.FinishedAt is { } finished ? (finished - workflow.CreatedAt).TotalMilliseconds : null,
        Json(workflow.InputJson), Json(workflow.OutputJson), workflow.FailedNodeId, workflow.FailureReason,
        workflow.Nodes.OrderBy(n => n.Ordinal).Select(ToView).ToList());

    private static NodeView ToView(WorkflowNodeState node) => new(
        node.NodeId, node.Capability, NodeStatusText.Of(node.State), node.Attempt, node.MaxAttempts, node.Failovers, node.ExecutorId,
        node.DispatchedAt, node.StartedAt, node.FinishedAt,
        node is { StartedAt: { } started, FinishedAt: { } finished } ? (finished - started).TotalMilliseconds : null,
        node.NextAttemptAt, node.WaitingReason, Json(node.OutputJson), node.Error);

    private static JsonElement? Json(string? text) => text is null ? null : JsonDocument.Parse(text).RootElement.Clone();
}
