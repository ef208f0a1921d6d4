using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.ExecutorRegistry;

/// <summary>
/// Fans an <see cref="ExecutorLost"/> out to the workflows it concerns: every current attempt recorded on that executor
/// (<c>workflow_nodes.executor_id</c>) plus every execution it listed in flight at its last heartbeat (it may have
/// started one whose NodeStarted was not applied yet), and every attempt sticky routing sent to its own queue that had
/// not started (<c>workflow_nodes.routed_executor</c>: only it consumed that queue). Each workflow gets one <see cref="ReassignNodes"/>, and its saga
/// decides under its own lock; attempts that moved on meanwhile are left alone there.
/// </summary>
public sealed class ExecutorLostConsumer(WorkflowDbContextFactory dbContextFactory, ILogger<ExecutorLostConsumer> logger) : IConsumer<ExecutorLost>
{
    public const string QueueName = "executor-failover";

    public async Task Consume(ConsumeContext<ExecutorLost> context)
    {
        var m = context.Message;
        await using var db = dbContextFactory.Create();
        var recorded = await db.Nodes.AsNoTracking()
            .Where(n => (n.ExecutorId == m.ExecutorId && n.State == NodeStatus.Running)
                || (n.RoutedExecutor == m.ExecutorId && n.State == NodeStatus.Dispatched))
            .Select(n => new { n.WorkflowId, n.NodeId, n.Attempt })
            .ToListAsync(context.CancellationToken);
        var attempts = recorded.Select(r => (r.WorkflowId, r.NodeId, r.Attempt)).ToHashSet();
        foreach (var executionId in m.InFlight)
        {
            if (ExecutionIds.TryParse(executionId, out var workflowId, out var nodeId, out var attempt))
                attempts.Add((workflowId, nodeId, attempt));
        }

        logger.LogWarning("Executor {ExecutorId} lost ({Reason}): reassigning {Count} attempt(s) in {Workflows} workflow(s)", m.ExecutorId, m.Reason,
            attempts.Count, attempts.Select(a => a.WorkflowId).Distinct().Count());
        await Reassignments.SendAsync(context, m.ExecutorId, attempts, m.Reason);

        // Once per loss: one orchestrator consumes the event (a competing consumer queue), counted after its sends, so a
        // delivery retried after a failed send is not counted twice.
        Metrics.OperationsMetrics.ExecutorLost();
    }
}
