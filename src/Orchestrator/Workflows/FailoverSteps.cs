using MassTransit;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// The workflow saga's side of executors coming and going: applying a node's <c>onExecutorLost</c> policy when its
/// executor is gone (<see cref="ReassignNodes"/>), an operator's decision on a node parked <c>in_doubt</c>
/// (<see cref="ResolveNode"/>), and clearing waiting reasons when an executor that can take the nodes comes online
/// (<see cref="ExecutorAvailable"/>).
/// </summary>
public sealed class FailoverSteps(NodeActions actions, ILogger<FailoverSteps> logger)
{
    public const string Redispatch = "redispatch";
    public const string Fail = "fail";
    public const string Park = "park";

    private DateTime Now => actions.Now;

    public async Task ReassignAsync(BehaviorContext<WorkflowState, ReassignNodes> context)
    {
        var message = context.Message;
        foreach (var attempt in message.Attempts)
        {
            var node = WorkflowGraph.Of(context).Find(attempt.NodeId);
            // Only the attempt that is current and still held by the lost executor moves: a node the broker already
            // redelivered to another executor (kill -9 returns unacked work at once) is left running where it is. A
            // draining executor keeps what it has started (it finishes it); only sticky attempts still queued for it move.
            if (node is null || node.Attempt != attempt.Attempt
                || node.State is not (NodeStatus.Running or NodeStatus.Dispatched)
                || (message.Draining && node.State != NodeStatus.Dispatched)
                || (node.ExecutorId is not null && node.ExecutorId != message.ExecutorId)
                || (node.State == NodeStatus.Dispatched && node.RoutedExecutor is not null && node.RoutedExecutor != message.ExecutorId))
            {
                logger.LogInformation("Node {NodeId} attempt {Attempt} of workflow {WorkflowId} is no longer on executor {ExecutorId}; not reassigned",
                    attempt.NodeId, attempt.Attempt, context.Saga.CorrelationId, message.ExecutorId);
                continue;
            }

            if (message.Draining)
            {
                // It never started, so its onExecutorLost policy (about work that may have run) does not apply.
                logger.LogInformation("Node {NodeId} attempt {Attempt} of workflow {WorkflowId}: {Reason}; dispatching attempt {Next} to its key's new owner",
                    node.NodeId, node.Attempt, context.Saga.CorrelationId, message.Reason, node.Attempt + 1);
                actions.Touch(context.Saga);
                await actions.SupersedeAsync(context, node, AttemptOutcomes.Rerouted, message.Reason, goneExecutor: message.ExecutorId);
                continue;
            }

            await ApplyLostPolicyAsync(context, node, $"executor {message.ExecutorId} lost: {message.Reason}", message.ExecutorId);
        }
    }

    /// <summary>
    /// The node's current attempt lost its executor: redispatch it, fail it, or park it in doubt, per its policy.
    /// <paramref name="goneExecutor"/> is the executor it is taken from (default: the one that started it), left out of
    /// the next routing.
    /// </summary>
    public async Task ApplyLostPolicyAsync(BehaviorContext<WorkflowState> context, WorkflowNodeState node, string reason, string? goneExecutor = null)
    {
        switch (node.OnExecutorLost)
        {
            case Park:
                await ParkAsync(context, node, reason);
                break;
            case Fail:
                // A frozen executor that thaws must not carry on with an attempt the workflow has already given up.
                await NodeTimeouts.DisarmAsync(context, node);
                await NodeTimeouts.CancelOnExecutorsAsync(context, node, reason);
                node.FailLost(reason, Now);
                NodeActions.RecordRunFailure(context.Saga, node, node.Error!);
                actions.Touch(context.Saga);
                break;
            default:
                logger.LogWarning("Node {NodeId} attempt {Attempt} of workflow {WorkflowId}: {Reason}; dispatching attempt {Next}",
                    node.NodeId, node.Attempt, context.Saga.CorrelationId, reason, node.Attempt + 1);
                actions.Touch(context.Saga);
                await actions.SupersedeAsync(context, node, AttemptOutcomes.Lost, reason, goneExecutor: goneExecutor ?? node.ExecutorId);
                break;
        }
    }

    /// <summary>
    /// An executor received a redelivered command of a node that must not run twice and sent it back unrun: the executor
    /// that held it first vanished (kill -9 closes its connection and the broker hands the command on at once).
    /// </summary>
    public async Task RedeliveredUnrunAsync(BehaviorContext<WorkflowState, NodeFailed> context)
    {
        var m = context.Message;
        var node = await actions.CurrentAttemptAsync(context, m.NodeId, m.Attempt, m.ExecutorId, null, null, m.Timestamp);
        if (node is null)
            return;
        var holder = node.ExecutorId is { } previous && previous != m.ExecutorId ? $"executor {previous}" : "its executor";
        await ApplyLostPolicyAsync(context, node, $"{holder} disconnected while holding it ({m.Error})");
    }

    /// <summary>Side effects that must not run twice: stop the branch and wait for a person (ResolveNode).</summary>
    private async Task ParkAsync(BehaviorContext<WorkflowState> context, WorkflowNodeState node, string reason)
    {
        await NodeTimeouts.DisarmAsync(context, node);
        await NodeTimeouts.CancelOnExecutorsAsync(context, node, reason);
        node.Park(reason, Now);
        actions.Touch(context.Saga);
        logger.LogWarning("Node {NodeId} attempt {Attempt} of workflow {WorkflowId} is in doubt: {Reason}", node.NodeId, node.Attempt,
            context.Saga.CorrelationId, reason);
    }

    /// <summary>
    /// An operator resolved a parked node. Anything but an in-doubt node, or an unknown decision, is an error: it throws,
    /// so the command lands in <c>workflow-state_error</c> with the reason instead of vanishing.
    /// </summary>
    public async Task ResolveAsync(BehaviorContext<WorkflowState, ResolveNode> context)
    {
        var message = context.Message;
        var node = WorkflowGraph.Of(context).Find(message.NodeId)
            ?? throw new InvalidOperationException($"workflow {context.Saga.CorrelationId} has no node '{message.NodeId}'");
        if (node.State != NodeStatus.InDoubt)
            throw new InvalidOperationException($"node '{node.NodeId}' of workflow {context.Saga.CorrelationId} is {NodeStatusText.Of(node.State)}, not in_doubt; nothing to resolve");

        var note = $"resolved by operator: {message.Decision}" + (message.Reason is { } why ? $" ({why})" : "");
        logger.LogWarning("Node {NodeId} of workflow {WorkflowId} {Note}", node.NodeId, context.Saga.CorrelationId, note);
        actions.Touch(context.Saga);
        switch (message.Decision)
        {
            case ResolveNode.Succeed:
                // The parked attempt is the one that won: its row says so (with the operator's note), so "which attempt
                // succeeded" has an answer in node_attempts too.
                node.Succeed(null, NodeJson.Write(message.Output), Now, note);
                await actions.DispatchReadyAfterAsync(context, node);
                break;
            case ResolveNode.Retry:
                node.RetryFromDoubt(note);
                await actions.DispatchAsync(context, [node], evenIfPaused: true);
                break;
            case ResolveNode.Fail:
                node.FailFromDoubt(note, Now);
                NodeActions.RecordRunFailure(context.Saga, node, note);
                break;
            default:
                throw new InvalidOperationException($"decision must be {ResolveNode.Succeed}, {ResolveNode.Retry} or {ResolveNode.Fail}, not '{message.Decision}'");
        }
    }

    public void ExecutorAvailable(BehaviorContext<WorkflowState, ExecutorAvailable> context)
    {
        var m = context.Message;
        var cleared = context.Saga.Nodes.Count(n => n.ExecutorAvailable(m.ExecutorId, m.Capabilities.ToList(), m.Pools.ToList()));
        if (cleared > 0)
            actions.Touch(context.Saga);
    }
}
