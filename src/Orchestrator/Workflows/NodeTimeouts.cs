using MassTransit;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// A node's execution deadline: armed as a scheduled <see cref="NodeTimedOut"/> when its attempt starts, cancelled
/// when the attempt reports. The token is kept on the node row so whichever orchestrator applies the result can cancel it.
/// </summary>
public static class NodeTimeouts
{
    public static readonly Uri WorkflowStateAddress = NodeQueues.WorkflowStateAddress;

    public static async Task ArmAsync(ConsumeContext context, WorkflowNodeState node, DateTime now)
    {
        if (node.TimeoutMs is not { } ms)
            return;
        var scheduled = await context.ScheduleSend(WorkflowStateAddress, now.AddMilliseconds(ms),
            new NodeTimedOut { WorkflowId = node.WorkflowId, NodeId = node.NodeId, Attempt = node.Attempt }, context.CancellationToken);
        node.TimeoutArmed(scheduled.TokenId);
    }

    public static async Task DisarmAsync(ConsumeContext context, WorkflowNodeState node)
    {
        if (node.TakeTimeoutToken() is not { } token)
            return;
        await context.GetPayload<MessageSchedulerContext>().CancelScheduledSend(WorkflowStateAddress, token, context.CancellationToken);
    }

    /// <summary>Tells every executor to stop this attempt; whichever runs it cancels its token.</summary>
    public static Task CancelOnExecutorsAsync(ConsumeContext context, WorkflowNodeState node, string reason) =>
        CancelOnExecutorsAsync(context, node.WorkflowId, node.NodeId, node.Attempt, reason);

    public static Task CancelOnExecutorsAsync(ConsumeContext context, Guid workflowId, string nodeId, int attempt, string reason) =>
        context.Publish(new CancelNode
        {
            WorkflowId = workflowId,
            NodeId = nodeId,
            Attempt = attempt,
            ExecutionId = ExecuteNode.ExecutionIdFor(workflowId, nodeId, attempt),
            Reason = reason,
        }, context.CancellationToken);
}
