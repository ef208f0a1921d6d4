using MassTransit;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;
using SagaWorkflow.Orchestrator.Metrics;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// What executors and timers report about one node's attempt — started, succeeded, failed, timed out, retry due, never
/// started — applied when it names the current attempt (fencing in <see cref="NodeActions.CurrentAttemptAsync"/>).
/// </summary>
public sealed class NodeResultSteps(NodeActions actions, ILogger<NodeResultSteps> logger)
{
    public async Task RecordStartedAsync(BehaviorContext<WorkflowState, NodeStarted> context)
    {
        var message = context.Message;
        var node = await actions.CurrentAttemptAsync(context, message.NodeId, message.Attempt, message.ExecutorId, null, null, message.Timestamp);
        if (node is null)
            return;
        var previous = node.ExecutorId;
        var dispatchedAt = node.DispatchedAt;
        // A redelivered attempt reports starting again (on another executor after the first one's connection dropped):
        // its deadline is armed once, and node_attempts keeps who held it before.
        var first = node.Start(message.ExecutorId, message.Timestamp);
        actions.Touch(context.Saga);
        if (!first)
        {
            if (previous != message.ExecutorId)
                logger.LogWarning("Node {NodeId} attempt {Attempt} of workflow {WorkflowId} was redelivered from executor {Previous} to {Executor}",
                    node.NodeId, node.Attempt, context.Saga.CorrelationId, previous, message.ExecutorId);
            return;
        }

        WorkflowMetrics.NodeStarted(context, node.Capability, dispatchedAt, message.Timestamp);
        await NodeTimeouts.ArmAsync(context, node, actions.Now);
    }

    public async Task ApplyCompletedAsync(BehaviorContext<WorkflowState, NodeCompleted> context)
    {
        var message = context.Message;
        var node = await actions.CurrentAttemptAsync(context, message.NodeId, message.Attempt, message.ExecutorId, AttemptOutcomes.Succeeded, null,
            message.Timestamp);
        if (node is null)
            return;
        StartedWithResult(context, node, message.StartedAt, message.Timestamp);
        await NodeTimeouts.DisarmAsync(context, node);
        node.Succeed(message.ExecutorId, NodeJson.Write(message.Output), message.Timestamp);
        WorkflowMetrics.NodeFinished(context, node.Capability, AttemptOutcomes.Succeeded, node.StartedAt, message.Timestamp);
        actions.Touch(context.Saga);
        await actions.DispatchReadyAfterAsync(context, node);
    }

    public async Task ApplyFailedAsync(BehaviorContext<WorkflowState, NodeFailed> context)
    {
        var message = context.Message;
        // A late hand-back (a sticky command that reached a restarted process after its attempt was moved) is recorded as such.
        var node = await actions.CurrentAttemptAsync(context, message.NodeId, message.Attempt, message.ExecutorId,
            message.HandedOver ? AttemptOutcomes.HandedOver : AttemptOutcomes.Failed, message.Error, message.Timestamp);
        if (node is null)
            return;
        StartedWithResult(context, node, message.StartedAt, message.Timestamp);
        actions.Touch(context.Saga);
        if (message.HandedOver)
        {
            // A draining executor gave it back (at its deadline, or unstarted), or a sticky command reached a process it was
            // not routed to: not the node's fault, so no retry is used up.
            await actions.SupersedeAsync(context, node, AttemptOutcomes.HandedOver, $"handed over by executor {message.ExecutorId}: {message.Error}",
                goneExecutor: message.ExecutorId);
            return;
        }

        await actions.FailAsync(context, node, AttemptOutcomes.Failed, message.ExecutorId, message.Error, message.Retryable, message.Timestamp);
        WorkflowMetrics.NodeFinished(context, node.Capability, AttemptOutcomes.Failed, node.StartedAt, message.Timestamp);
    }

    /// <summary>A short attempt ended before it reported its start: its queue wait is counted from the result.</summary>
    private static void StartedWithResult(BehaviorContext<WorkflowState> context, WorkflowNodeState node, DateTime? startedAt, DateTime finishedAt)
    {
        var dispatchedAt = node.DispatchedAt;
        if (node.StartWithResult(startedAt, finishedAt))
            WorkflowMetrics.NodeStarted(context, node.Capability, dispatchedAt, node.StartedAt!.Value);
    }

    /// <summary>The attempt's deadline passed: tell its executor to stop, and fail the attempt (retryable).</summary>
    public async Task TimedOutAsync(BehaviorContext<WorkflowState, NodeTimedOut> context)
    {
        var node = WorkflowGraph.Of(context).Find(context.Message.NodeId);
        if (node is not { State: NodeStatus.Running } || node.Attempt != context.Message.Attempt)
        {
            logger.LogInformation("Stale deadline of node {NodeId} attempt {Attempt} of workflow {WorkflowId} ignored",
                context.Message.NodeId, context.Message.Attempt, context.Saga.CorrelationId);
            return;
        }

        node.TakeTimeoutToken(); // it fired: nothing to cancel
        var error = $"timed out after {TimeSpan.FromMilliseconds(node.TimeoutMs ?? 0)} on executor {node.ExecutorId}";
        await NodeTimeouts.CancelOnExecutorsAsync(context, node, error);
        actions.Touch(context.Saga);
        await actions.FailAsync(context, node, AttemptOutcomes.TimedOut, null, error, retryable: true, actions.Now);
    }

    /// <summary>A retry timer fired: dispatch the next attempt if the node still waits for exactly this one.</summary>
    public async Task RetryAsync(BehaviorContext<WorkflowState, RetryNode> context)
    {
        var node = WorkflowGraph.Of(context).Find(context.Message.NodeId);
        if (node is null || !node.RetryIsDue(context.Message.Attempt))
        {
            logger.LogInformation("Stale retry timer for node {NodeId} attempt {Attempt} of workflow {WorkflowId} ignored",
                context.Message.NodeId, context.Message.Attempt, context.Saga.CorrelationId);
            return;
        }

        if (WorkflowControlSteps.IsPaused(context.Saga))
        {
            // Held: the node stays retrying with its due time passed, and resume dispatches it.
            logger.LogInformation("Retry of node {NodeId} held: workflow {WorkflowId} is paused", node.NodeId, context.Saga.CorrelationId);
            return;
        }

        actions.Touch(context.Saga);
        await actions.DispatchAsync(context, [node]);
    }

    /// <summary>
    /// The sweeper saw this attempt sit unstarted too long: its ExecuteNode may be lost, so the next attempt goes out
    /// and fences the old one off (a late result for it is then stale).
    /// </summary>
    public async Task RecoverAsync(BehaviorContext<WorkflowState, RecoverNode> context)
    {
        var node = WorkflowGraph.Of(context).Find(context.Message.NodeId);
        if (node is not { State: NodeStatus.Dispatched } || node.Attempt != context.Message.Attempt)
            return;
        logger.LogWarning("Node {NodeId} attempt {Attempt} of workflow {WorkflowId} never started since {DispatchedAt:O}; dispatching attempt {Next}",
            node.NodeId, node.Attempt, context.Saga.CorrelationId, node.DispatchedAt, node.Attempt + 1);
        actions.Touch(context.Saga);
        await actions.SupersedeAsync(context, node, AttemptOutcomes.NeverStarted, $"not started within the recovery bound since {node.DispatchedAt:O}",
            goneExecutor: node.ExecutorId);
    }

    /// <summary>A result for a finished run: recorded on the node when it is for the in-flight attempt, never dispatching.</summary>
    public async Task RecordLateAsync<T>(BehaviorContext<WorkflowState, T> context)
        where T : class
    {
        switch (context.Message)
        {
            case NodeCompleted m when await actions.CurrentAttemptAsync(context, m.NodeId, m.Attempt, m.ExecutorId, AttemptOutcomes.Succeeded, null,
                m.Timestamp) is { } node:
                await NodeTimeouts.DisarmAsync(context, node);
                node.Succeed(m.ExecutorId, NodeJson.Write(m.Output), m.Timestamp);
                break;
            case NodeFailed m when await actions.CurrentAttemptAsync(context, m.NodeId, m.Attempt, m.ExecutorId, AttemptOutcomes.Failed, m.Error,
                m.Timestamp) is { } node:
                await NodeTimeouts.DisarmAsync(context, node);
                node.Fail(AttemptOutcomes.Failed, m.ExecutorId, m.Error, retryable: false, m.Timestamp, () => m.Timestamp);
                break;
            case NodeStarted m:
                logger.LogInformation("Node {NodeId} attempt {Attempt} started after workflow {WorkflowId} finished ({State})",
                    m.NodeId, m.Attempt, context.Saga.CorrelationId, context.Saga.CurrentState);
                break;
        }
    }
}
