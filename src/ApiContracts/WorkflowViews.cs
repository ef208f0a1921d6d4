using System.Text.Json;

namespace SagaWorkflow.ApiContracts;

/// <summary>What <c>GET /api/v1/workflows/{id}</c> returns: the workflow row and every node row, JSON kept as JSON.</summary>
public sealed record WorkflowView(
    Guid Id, string Definition, int DefinitionVersion, string State, string Trigger, string? ScheduleId,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? FinishedAt, double? DurationMs,
    JsonElement? Input, JsonElement? Output, string? FailedNode, string? FailureReason, IReadOnlyList<NodeView> Nodes);

/// <summary>One node as the API shows it: state, attempt, where and when it ran, what it produced or why it failed.</summary>
public sealed record NodeView(
    string Id, string Capability, string State, int Attempt, int MaxAttempts, int Failovers, string? ExecutorId,
    DateTime? DispatchedAt, DateTime? StartedAt, DateTime? FinishedAt, double? DurationMs, DateTime? NextAttemptAt,
    string? WaitingReason, JsonElement? Output, string? Error);

/// <summary>A row of <c>GET /api/v1/workflows</c>: enough to pick one to open, without the nodes.</summary>
public sealed record WorkflowSummary(
    Guid Id, string Definition, int DefinitionVersion, string State, string Trigger, DateTime CreatedAt, DateTime? FinishedAt,
    string? FailedNode);

/// <summary>A page of workflows, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record WorkflowPage(IReadOnlyList<WorkflowSummary> Items, string? NextCursor);

/// <summary>What a submit returns: the id to poll, its Location, and whether this call created it.</summary>
public sealed record SubmitAccepted(Guid Id, string Location, string Status);

/// <summary>What cancel, pause, resume and retry return: what was requested (or that nothing needed to be).</summary>
public sealed record WorkflowControlAnswer(Guid Id, string Status, string Location);

/// <summary>What a node resolve returns once the decision is on its way to the saga.</summary>
public sealed record NodeResolveAnswer(Guid Id, string Node, string Status, string Location);

/// <summary>One <c>node_attempts</c> row as <c>GET /api/v1/workflows/{id}/attempts</c> shows it.</summary>
public sealed record AttemptView(
    string Node, int Attempt, string? ExecutorId, string? RedeliveredFrom, string Outcome, bool ArrivedLate, string? SupersededReason,
    string? Error, DateTime DispatchedAt, DateTime? StartedAt, DateTime? FinishedAt);

/// <summary>What <c>GET /api/v1/workflows/{id}/attempts</c> returns.</summary>
public sealed record WorkflowAttempts(Guid Id, IReadOnlyList<AttemptView> Attempts);
