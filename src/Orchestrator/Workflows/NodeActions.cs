using MassTransit;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;
using SagaWorkflow.Orchestrator.ExecutorRegistry;
using SagaWorkflow.Orchestrator.Metrics;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// What the saga's steps do to a node beyond changing its state (which <see cref="WorkflowNodeState"/>'s own methods
/// do): send its next attempt, arm or cancel its timers, tell executors to stop an old attempt, count it. Every step
/// class uses this one; none calls another, so a behaviour has one home. Sends and publishes go through the consume
/// context, whose outbox holds them until the saga row is saved: a failed save dispatches nothing.
/// </summary>
public sealed class NodeActions(TimeProvider time, IExecutorDirectory directory, NodeQueueTargets queues, ILogger<NodeActions> logger)
{
    public DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Sends the next attempt of each node. While paused, pending nodes and due retries are held back (they are new
    /// work); callers re-dispatching an attempt already under way (failover, recovery), resuming or retrying pass
    /// <paramref name="evenIfPaused"/>. A failover passes the executor it takes the node from (<paramref name="goneExecutor"/>),
    /// so the waiting reason does not count it as online.
    /// </summary>
    public async Task DispatchAsync(BehaviorContext<WorkflowState> context, IReadOnlyList<WorkflowNodeState> nodes, bool evenIfPaused = false,
        string? goneExecutor = null)
    {
        if (!evenIfPaused && WorkflowControlSteps.IsPaused(context.Saga))
            nodes = nodes.Where(n => n.State is not (NodeStatus.Pending or NodeStatus.Retrying)).ToList();
        var owners = new KeyOwner?[nodes.Count];
        // One dispatch time for the step: its nodes then change alike and are written by one statement (NodeUpdatesInGroups).
        var now = Now;
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            // Sticky routing: the key's owner among the online executors, sent to its own queue. Without one (none online
            // that can take it) the node waits in the shared queue like any other, for whichever executor comes first.
            var owner = owners[i] = node.RoutingKey is { } key
                ? await directory.OwnerOfAsync(key, node.Capability, node.Pool, goneExecutor, context.CancellationToken)
                : null;
            var reason = owner is null
                ? await directory.WaitingReasonAsync(node.Capability, node.Pool, node.TargetExecutor, goneExecutor, context.CancellationToken)
                : null;
            node.Dispatch(now, reason, owner?.ExecutorId);
        }

        var graph = WorkflowGraph.Of(context);
        var definition = RunDefinition.Of(context.Saga);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var command = WorkflowRun.ExecuteCommand(graph, node, context.Saga.InputJson) with { RoutedInstance = owners[i]?.InstanceId };
            var address = await queues.AddressAsync(node.Capability, node.Pool, node.TargetExecutor ?? node.RoutedExecutor, context.CancellationToken);
            var endpoint = await context.GetSendEndpoint(address);
            await endpoint.Send(command, NodeQueueTargets.SendPipe(definition.PriorityOf(node.NodeId)), context.CancellationToken);
        }
    }

    /// <summary>The nodes <paramref name="succeeded"/>'s success made ready, sent.</summary>
    public Task DispatchReadyAfterAsync(BehaviorContext<WorkflowState> context, WorkflowNodeState succeeded) =>
        DispatchAsync(context, WorkflowGraph.Of(context).ReadyAfter(succeeded.NodeId));

    /// <summary>
    /// The current attempt failed: the node waits for its next attempt (a persisted timer, never a sleep: it survives
    /// restarts) when the failure is retryable and the budget allows, otherwise the node — and so the run — has failed.
    /// </summary>
    public async Task FailAsync(BehaviorContext<WorkflowState> context, WorkflowNodeState node, string outcome, string? executorId, string error,
        bool retryable, DateTime at)
    {
        await NodeTimeouts.DisarmAsync(context, node);
        var now = Now;
        var retrying = node.Fail(outcome, executorId, error, retryable, at,
            () => now + RetryBackoff.DelayAfter(RunDefinition.Of(context.Saga).RetryPolicyOf(node.NodeId), node.Attempt));
        if (retrying)
        {
            WorkflowMetrics.Retry(context, node.Capability);
            logger.LogWarning("Node {NodeId} attempt {Attempt} failed, attempt {Next} due at {Due:O}: {Error}",
                node.NodeId, node.Attempt, node.Attempt + 1, node.NextAttemptAt, error);
            await context.ScheduleSend(NodeTimeouts.WorkflowStateAddress, node.NextAttemptAt!.Value,
                new RetryNode { WorkflowId = context.Saga.CorrelationId, NodeId = node.NodeId, Attempt = node.Attempt }, context.CancellationToken);
            return;
        }

        RecordRunFailure(context.Saga, node, error);
    }

    /// <summary>The node failed for good (for whatever reason): the run fails because of it.</summary>
    public static void RecordRunFailure(WorkflowState saga, WorkflowNodeState node, string error)
    {
        saga.FailedNodeId = node.NodeId;
        saga.FailureReason = $"node '{node.NodeId}' failed after {node.Attempt} attempt(s): {error}";
    }

    /// <summary>
    /// Ends the node's current attempt as superseded and dispatches the next one at once (a failover uses up no retry).
    /// The old attempt is told to stop wherever it still runs or waits in a queue; a late result from it is fenced off.
    /// </summary>
    public async Task SupersedeAsync(BehaviorContext<WorkflowState> context, WorkflowNodeState node, string outcome, string reason,
        string? goneExecutor)
    {
        await NodeTimeouts.DisarmAsync(context, node);
        // A handed-over attempt has stopped already. Any other may still run, or (never started) still sit in its queue
        // behind a backlog: executors remember the cancellation and skip that copy unrun when it reaches them.
        if (outcome != AttemptOutcomes.HandedOver)
            await NodeTimeouts.CancelOnExecutorsAsync(context, node, reason);
        node.Supersede(outcome, reason, Now);
        WorkflowMetrics.Failover(context, node.Capability);
        await DispatchAsync(context, [node], evenIfPaused: true, goneExecutor: goneExecutor);
    }

    /// <summary>
    /// The run ends early: every unsettled node is cancelled (or skipped, when <paramref name="skipPending"/>), and an
    /// attempt under way is told to stop.
    /// </summary>
    public async Task CancelUnsettledAsync(BehaviorContext<WorkflowState> context, string reason, bool skipPending)
    {
        foreach (var node in context.Saga.Nodes.Where(n => !n.Settled))
        {
            await NodeTimeouts.DisarmAsync(context, node);
            if (node.Cancel(reason, Now, skipPending))
                await NodeTimeouts.CancelOnExecutorsAsync(context, node, reason);
        }
    }

    /// <summary>
    /// The node a report is for, if it names the node's current in-flight attempt; otherwise null, and a result
    /// (<paramref name="lateOutcome"/> not null) is recorded on its attempt's row as arrived late, never applied.
    /// </summary>
    public async Task<WorkflowNodeState?> CurrentAttemptAsync(BehaviorContext<WorkflowState> context, string nodeId, int attempt, string executorId,
        string? lateOutcome, string? error, DateTime at)
    {
        var node = WorkflowGraph.Of(context).Find(nodeId);
        var check = WorkflowGraph.CheckResult(node, attempt);
        if (check == ResultCheck.Current)
            return node;
        logger.LogWarning("Ignored {What} of node {NodeId} attempt {Attempt} from executor {ExecutorId} for workflow {WorkflowId}: {Check} (current attempt {Current}, state {State})",
            lateOutcome ?? "start", nodeId, attempt, executorId, context.Saga.CorrelationId, check, node?.Attempt, node?.State);
        // A duplicate delivery of the result that already settled the current attempt is not a late result.
        var duplicate = check == ResultCheck.AlreadySettled && node!.State is NodeStatus.Succeeded or NodeStatus.Failed or NodeStatus.Retrying;
        if (check == ResultCheck.UnknownNode || duplicate)
            return null;
        if (lateOutcome is not null)
        {
            node!.RecordLateResult(attempt, lateOutcome, executorId, error, at);
            WorkflowMetrics.StaleResult(context, node.Capability);
        }
        else
        {
            // An attempt the saga has moved past is running somewhere: its CancelNode went out before that executor was
            // there to hear it (a process started later received the command the lost executor never acknowledged), so
            // it is told again; otherwise it runs to the end and its side effects happen beside the current attempt's.
            await NodeTimeouts.CancelOnExecutorsAsync(context, context.Saga.CorrelationId, nodeId, attempt,
                $"attempt {attempt} started on executor {executorId} after it was superseded (node is {NodeStatusText.Of(node!.State)}, attempt {node.Attempt})");
        }

        return null;
    }

    public void Touch(WorkflowState saga) => saga.UpdatedAt = Now;
}
