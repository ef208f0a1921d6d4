using System.Linq.Expressions;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using SagaWorkflow.Persistence.Sagas;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// Writes <c>node_attempts</c> rows in the saga's own transaction (the repository puts its DbContext on the consume
/// context). Inserts ride along with the saga's save; updates are single statements that tolerate a missing row
/// (attempts dispatched before this table existed). Without a database (the in-memory test harness) it writes nothing.
/// </summary>
public static class NodeAttemptLog
{
    public static void Dispatched(PipeContext context, WorkflowNodeState node, DateTime now)
    {
        if (!SagaDatabase.TryGet(context, out var db))
            return;
        db.NodeAttempts.Add(new NodeAttempt
        {
            WorkflowId = node.WorkflowId,
            NodeId = node.NodeId,
            Attempt = node.Attempt,
            ExecutorId = node.TargetExecutor,
            Outcome = AttemptOutcomes.Dispatched,
            DispatchedAt = now,
        });
    }

    /// <summary>An executor took the attempt; <paramref name="previousExecutor"/> had it before (redelivery), if any.</summary>
    public static Task StartedAsync(PipeContext context, Guid workflowId, string nodeId, int attempt, string executorId, string? previousExecutor,
        DateTime at) =>
        Update(context, workflowId, nodeId, attempt, a => a
            .SetProperty(x => x.ExecutorId, executorId)
            .SetProperty(x => x.RedeliveredFrom, x => previousExecutor != null && previousExecutor != executorId ? previousExecutor : x.RedeliveredFrom)
            .SetProperty(x => x.Outcome, AttemptOutcomes.Running)
            .SetProperty(x => x.StartedAt, at));

    /// <summary>
    /// The attempt reported (or was given) its outcome while current. <c>startedAt</c> is for an attempt that reported
    /// its start with its result (a short one); a start already recorded is kept.
    /// </summary>
    public static Task FinishedAsync(PipeContext context, Guid workflowId, string nodeId, int attempt, string outcome, string? executorId,
        string? error, DateTime at, DateTime? startedAt = null) =>
        Update(context, workflowId, nodeId, attempt, a => a
            .SetProperty(x => x.Outcome, outcome)
            .SetProperty(x => x.ExecutorId, x => executorId ?? x.ExecutorId)
            .SetProperty(x => x.Error, error)
            .SetProperty(x => x.StartedAt, x => x.StartedAt ?? startedAt)
            .SetProperty(x => x.FinishedAt, at));

    /// <summary>The attempt was taken away from its executor (lost, handed over, never started) for <paramref name="reason"/>.</summary>
    public static Task SupersededAsync(PipeContext context, Guid workflowId, string nodeId, int attempt, string outcome, string reason, DateTime at) =>
        Update(context, workflowId, nodeId, attempt, a => a
            .SetProperty(x => x.Outcome, outcome)
            .SetProperty(x => x.SupersededReason, reason)
            .SetProperty(x => x.FinishedAt, at));

    /// <summary>
    /// A result for an attempt that was no longer current: kept as the attempt's reported outcome with arrived_late set,
    /// and never applied to the node.
    /// </summary>
    public static Task LateResultAsync(PipeContext context, Guid workflowId, string nodeId, int attempt, string outcome, string executorId,
        string? error, DateTime at) =>
        Update(context, workflowId, nodeId, attempt, a => a
            .SetProperty(x => x.Outcome, outcome)
            .SetProperty(x => x.ArrivedLate, true)
            .SetProperty(x => x.ExecutorId, executorId)
            .SetProperty(x => x.Error, error)
            .SetProperty(x => x.FinishedAt, at));

    private static async Task Update(PipeContext context, Guid workflowId, string nodeId, int attempt,
        Expression<Func<SetPropertyCalls<NodeAttempt>, SetPropertyCalls<NodeAttempt>>> setters)
    {
        if (!SagaDatabase.TryGet(context, out var db))
            return;
        await db.NodeAttempts
            .Where(a => a.WorkflowId == workflowId && a.NodeId == nodeId && a.Attempt == attempt)
            .ExecuteUpdateAsync(setters, context.CancellationToken);
    }
}
