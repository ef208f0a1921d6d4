using MassTransit;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Orchestrator.ExecutorRegistry;
using SagaWorkflow.Orchestrator.Metrics;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// The state changes behind <see cref="WorkflowStateMachine"/>: each method handles one event for one saga.
/// Sends and publishes go through the consume context, so the endpoint's in-memory outbox holds them
/// until the saga row is saved: a failed save dispatches nothing.
/// </summary>
public sealed class WorkflowSteps(TimeProvider time, IExecutorDirectory directory, ILogger<WorkflowSteps> logger)
{
    private static Uri WorkflowStateAddress => NodeTimeouts.WorkflowStateAddress;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Resolves the run's definition (inline, or registered by name) and validates it; the result is kept for the steps.</summary>
    public static async Task<bool> IsValidAsync(BehaviorContext<WorkflowState, StartWorkflow> context) =>
        (await StartDefinition.ResolveAsync(context)).Errors.Count == 0;

    public async Task RejectAsync(BehaviorContext<WorkflowState, StartWorkflow> context)
    {
        var errors = StartDefinition.Of(context).Errors;
        logger.LogWarning("Workflow {WorkflowId} rejected: {Errors}", context.Saga.CorrelationId, string.Join("; ", errors));
        await context.Publish(new WorkflowRejected { WorkflowId = context.Saga.CorrelationId, Errors = errors, Timestamp = Now });
    }

    public async Task StartAsync(BehaviorContext<WorkflowState, StartWorkflow> context)
    {
        var definition = StartDefinition.Of(context).Definition!;
        WorkflowRun.Initialize(context.Saga, definition, context.Message, Now);
        var graph = new WorkflowGraph(context.Saga.Nodes);
        await DispatchAsync(context, graph, graph.ReadyNodes());
        WorkflowMetrics.WorkflowStarted(context, definition.Name);
        logger.LogInformation("Workflow {WorkflowId} ({Definition} v{Version}) started with {NodeCount} nodes",
            context.Saga.CorrelationId, definition.Name, definition.Version, definition.Nodes.Count);
        await context.Publish(new WorkflowStarted
        {
            WorkflowId = context.Saga.CorrelationId,
            DefinitionName = definition.Name,
            DefinitionVersion = definition.Version,
            NodeCount = definition.Nodes.Count,
            Timestamp = Now,
        });
    }

    public async Task RecordStartedAsync(BehaviorContext<WorkflowState, NodeStarted> context)
    {
        var message = context.Message;
        var node = await CurrentAttemptNodeAsync(context, message.NodeId, message.Attempt, message.ExecutorId, null, null, message.Timestamp);
        if (node is null)
            return;
        // A redelivered attempt reports starting again (on another executor after the first one's connection dropped):
        // its deadline is armed once, and node_attempts keeps who held it before.
        var firstStart = node.State == NodeStatus.Dispatched;
        await NodeAttemptLog.StartedAsync(context, node.WorkflowId, node.NodeId, node.Attempt, message.ExecutorId, node.ExecutorId, message.Timestamp);
        if (!firstStart && node.ExecutorId != message.ExecutorId)
            logger.LogWarning("Node {NodeId} attempt {Attempt} of workflow {WorkflowId} was redelivered from executor {Previous} to {Executor}",
                node.NodeId, node.Attempt, context.Saga.CorrelationId, node.ExecutorId, message.ExecutorId);
        if (firstStart)
            WorkflowMetrics.NodeStarted(context, node.Capability, node.DispatchedAt, message.Timestamp);
        node.State = NodeStatus.Running;
        node.WaitingReason = null;
        node.ExecutorId = message.ExecutorId;
        node.StartedAt = message.Timestamp;
        Touch(context.Saga);
        if (firstStart)
            await NodeTimeouts.ArmAsync(context, node, Now);
    }

    public async Task ApplyCompletedAsync(BehaviorContext<WorkflowState, NodeCompleted> context)
    {
        var message = context.Message;
        var node = await CurrentAttemptNodeAsync(context, message.NodeId, message.Attempt, message.ExecutorId, AttemptOutcomes.Succeeded, null,
            message.Timestamp);
        if (node is null)
            return;
        StartedWithResult(context, node, message.StartedAt, message.Timestamp);
        await NodeTimeouts.DisarmAsync(context, node);
        await NodeAttemptLog.FinishedAsync(context, node.WorkflowId, node.NodeId, node.Attempt, AttemptOutcomes.Succeeded, message.ExecutorId, null,
            message.Timestamp, node.StartedAt);
        WorkflowMetrics.NodeFinished(context, node.Capability, AttemptOutcomes.Succeeded, node.StartedAt, message.Timestamp);
        node.State = NodeStatus.Succeeded;
        node.OutputJson = NodeJson.Write(message.Output);
        node.ExecutorId = message.ExecutorId;
        node.FinishedAt = message.Timestamp;
        node.Error = null;
        Touch(context.Saga);
        var graph = new WorkflowGraph(context.Saga.Nodes);
        await DispatchAsync(context, graph, graph.ReadyAfter(node.NodeId));
    }

    public async Task ApplyFailedAsync(BehaviorContext<WorkflowState, NodeFailed> context)
    {
        var message = context.Message;
        var node = await CurrentAttemptNodeAsync(context, message.NodeId, message.Attempt, message.ExecutorId, AttemptOutcomes.Failed, message.Error,
            message.Timestamp);
        if (node is null)
            return;
        StartedWithResult(context, node, message.StartedAt, message.Timestamp);
        node.ExecutorId = message.ExecutorId;
        await NodeTimeouts.DisarmAsync(context, node);
        if (message.HandedOver)
        {
            // A draining executor gave it back at its deadline: not the node's fault, so no retry is used up.
            await SupersedeAndRedispatchAsync(context, node, AttemptOutcomes.HandedOver, $"handed over by draining executor {message.ExecutorId}");
            return;
        }

        await NodeAttemptLog.FinishedAsync(context, node.WorkflowId, node.NodeId, node.Attempt, AttemptOutcomes.Failed, message.ExecutorId, message.Error,
            message.Timestamp, node.StartedAt);
        WorkflowMetrics.NodeFinished(context, node.Capability, AttemptOutcomes.Failed, node.StartedAt, message.Timestamp);
        await FailAttemptAsync(context, node, message.Error, message.Retryable, message.Timestamp);
    }

    /// <summary>
    /// A short attempt ends before it reports its start (the executor's StartReportDelay): its start comes with the
    /// result, so the node's start time and queue wait are recorded from there.
    /// </summary>
    private static void StartedWithResult(BehaviorContext<WorkflowState> context, WorkflowNodeState node, DateTime? startedAt, DateTime finishedAt)
    {
        if (node.State != NodeStatus.Dispatched)
            return;
        var at = startedAt ?? finishedAt;
        WorkflowMetrics.NodeStarted(context, node.Capability, node.DispatchedAt, at);
        node.StartedAt = at;
        node.WaitingReason = null;
    }

    /// <summary>The attempt's deadline passed: tell its executor to stop, and fail the attempt (retryable).</summary>
    public async Task TimedOutAsync(BehaviorContext<WorkflowState, NodeTimedOut> context)
    {
        var node = context.Saga.Nodes.Find(n => n.NodeId == context.Message.NodeId);
        if (node is not { State: NodeStatus.Running } || node.Attempt != context.Message.Attempt)
        {
            logger.LogInformation("Stale deadline of node {NodeId} attempt {Attempt} of workflow {WorkflowId} ignored",
                context.Message.NodeId, context.Message.Attempt, context.Saga.CorrelationId);
            return;
        }

        node.TimeoutTokenId = null;
        var error = $"timed out after {TimeSpan.FromMilliseconds(node.TimeoutMs ?? 0)} on executor {node.ExecutorId}";
        await NodeTimeouts.CancelOnExecutorsAsync(context, node, error);
        await NodeAttemptLog.FinishedAsync(context, node.WorkflowId, node.NodeId, node.Attempt, AttemptOutcomes.TimedOut, null, error, Now);
        await FailAttemptAsync(context, node, error, retryable: true, Now);
    }

    internal async Task FailAttemptAsync(BehaviorContext<WorkflowState> context, WorkflowNodeState node, string error, bool retryable, DateTime timestamp)
    {
        node.Error = error;
        Touch(context.Saga);
        if (retryable && node.Attempt < node.MaxAttempts)
        {
            // The wait is a persisted timer (Quartz through the message scheduler), never a sleep: it survives restarts.
            var delay = RetryBackoff.DelayAfter(RetryBackoff.PolicyOf(context.Saga.DefinitionJson, node.NodeId), node.Attempt);
            node.State = NodeStatus.Retrying;
            WorkflowMetrics.Retry(context, node.Capability);
            node.NextAttemptAt = Now + delay;
            node.FinishedAt = timestamp;
            logger.LogWarning("Node {NodeId} attempt {Attempt} failed, attempt {Next} due at {Due:O}: {Error}",
                node.NodeId, node.Attempt, node.Attempt + 1, node.NextAttemptAt, error);
            await context.ScheduleSend(WorkflowStateAddress, node.NextAttemptAt.Value,
                new RetryNode { WorkflowId = context.Saga.CorrelationId, NodeId = node.NodeId, Attempt = node.Attempt }, context.CancellationToken);
            return;
        }

        node.State = NodeStatus.Failed;
        node.FinishedAt = timestamp;
        context.Saga.FailedNodeId = node.NodeId;
        context.Saga.FailureReason = $"node '{node.NodeId}' failed after {node.Attempt} attempt(s): {error}";
    }

    /// <summary>A retry timer fired: dispatch the next attempt if the node still waits for exactly this one.</summary>
    public async Task RetryAsync(BehaviorContext<WorkflowState, RetryNode> context)
    {
        var node = context.Saga.Nodes.Find(n => n.NodeId == context.Message.NodeId);
        if (node is not { State: NodeStatus.Retrying } || node.Attempt != context.Message.Attempt)
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

        node.NextAttemptAt = null;
        node.FinishedAt = null;
        Touch(context.Saga);
        await DispatchAsync(context, new WorkflowGraph(context.Saga.Nodes), [node]);
    }

    /// <summary>
    /// The sweeper saw this attempt sit undispatched-to-anyone too long: its ExecuteNode may be lost, so the next
    /// attempt goes out and fences the old one off (a late result for it is then stale).
    /// </summary>
    public async Task RecoverAsync(BehaviorContext<WorkflowState, RecoverNode> context)
    {
        var node = context.Saga.Nodes.Find(n => n.NodeId == context.Message.NodeId);
        if (node is not { State: NodeStatus.Dispatched } || node.Attempt != context.Message.Attempt)
            return;
        logger.LogWarning("Node {NodeId} attempt {Attempt} of workflow {WorkflowId} never started since {DispatchedAt:O}; dispatching attempt {Next}",
            node.NodeId, node.Attempt, context.Saga.CorrelationId, node.DispatchedAt, node.Attempt + 1);
        await SupersedeAndRedispatchAsync(context, node, AttemptOutcomes.NeverStarted, $"not started within the recovery bound since {node.DispatchedAt:O}");
    }

    /// <summary>
    /// Ends the node's current attempt as superseded and dispatches the next one at once. A failover does not eat the
    /// node's retry budget (the attempt did not fail; its executor went away), so the budget grows by one and the
    /// failover is counted on the node. The old attempt is told to stop wherever it still runs; a late result is fenced.
    /// </summary>
    internal async Task SupersedeAndRedispatchAsync(BehaviorContext<WorkflowState> context, WorkflowNodeState node, string outcome, string reason)
    {
        await NodeTimeouts.DisarmAsync(context, node);
        // A handed-over attempt has stopped already. Any other may still run, or (never started) still sit in its queue
        // behind a backlog: executors remember the cancellation and skip that copy unrun when it reaches them.
        if (outcome != AttemptOutcomes.HandedOver)
            await NodeTimeouts.CancelOnExecutorsAsync(context, node, reason);
        await NodeAttemptLog.SupersededAsync(context, node.WorkflowId, node.NodeId, node.Attempt, outcome, reason, Now);
        node.MaxAttempts++;
        node.Failovers++;
        WorkflowMetrics.Failover(context, node.Capability);
        Touch(context.Saga);
        await DispatchAsync(context, new WorkflowGraph(context.Saga.Nodes), [node], goneExecutor: node.ExecutorId);
    }

    /// <summary>The workflow deadline passed: running attempts are told to stop, nothing more runs, the run fails.</summary>
    public async Task DeadlinePassedAsync(BehaviorContext<WorkflowState, WorkflowTimedOut> context)
    {
        var timeout = StoredDefinition(context.Saga.DefinitionJson)?.Timeout;
        context.Saga.FailureReason = $"workflow timed out after {timeout}";
        foreach (var node in context.Saga.Nodes.Where(n => !IsSettled(n.State)))
        {
            if (node.State is NodeStatus.Dispatched or NodeStatus.Running)
            {
                await NodeTimeouts.CancelOnExecutorsAsync(context, node, "workflow timed out");
                await NodeAttemptLog.SupersededAsync(context, node.WorkflowId, node.NodeId, node.Attempt, AttemptOutcomes.Cancelled, "workflow timed out", Now);
            }
            await NodeTimeouts.DisarmAsync(context, node);
            node.State = node.State == NodeStatus.Pending ? NodeStatus.Skipped : NodeStatus.Cancelled;
            node.FinishedAt = Now;
        }

        await FailAsync(context);
    }

    public async Task CompleteAsync<T>(BehaviorContext<WorkflowState, T> context)
        where T : class
    {
        var outputs = new WorkflowGraph(context.Saga.Nodes).SinkOutputs();
        context.Saga.OutputJson = NodeJson.Write(outputs);
        Finish(context.Saga);
        WorkflowMetrics.WorkflowCompleted(context, context.Saga.DefinitionName);
        logger.LogInformation("Workflow {WorkflowId} completed", context.Saga.CorrelationId);
        await context.Publish(new WorkflowCompleted { WorkflowId = context.Saga.CorrelationId, Outputs = outputs, Timestamp = Now });
    }

    public async Task FailAsync<T>(BehaviorContext<WorkflowState, T> context)
        where T : class
    {
        // Nodes that never started will never run; in-flight ones finish and are recorded as they report.
        foreach (var pending in context.Saga.Nodes.Where(n => n.State == NodeStatus.Pending))
            pending.State = NodeStatus.Skipped;
        Finish(context.Saga);
        WorkflowMetrics.WorkflowFailed(context, context.Saga.DefinitionName);
        logger.LogWarning("Workflow {WorkflowId} failed: {Reason}", context.Saga.CorrelationId, context.Saga.FailureReason);
        await context.Publish(new WorkflowFailed
        {
            WorkflowId = context.Saga.CorrelationId,
            NodeId = context.Saga.FailedNodeId,
            Error = context.Saga.FailureReason ?? "",
            Timestamp = Now,
        });
    }

    public async Task CancelAsync(BehaviorContext<WorkflowState, CancelWorkflow> context)
    {
        foreach (var node in context.Saga.Nodes.Where(n => !IsSettled(n.State)))
        {
            if (node.State is NodeStatus.Dispatched or NodeStatus.Running)
            {
                await NodeTimeouts.CancelOnExecutorsAsync(context, node, "workflow cancelled");
                await NodeAttemptLog.SupersededAsync(context, node.WorkflowId, node.NodeId, node.Attempt, AttemptOutcomes.Cancelled, "workflow cancelled", Now);
            }
            await NodeTimeouts.DisarmAsync(context, node);
            node.State = NodeStatus.Cancelled;
            node.FinishedAt = Now;
        }

        context.Saga.FailureReason = "cancelled" + (context.Message.Reason is { } reason ? ": " + reason : "");
        Finish(context.Saga);
        WorkflowMetrics.WorkflowCancelled(context, context.Saga.DefinitionName);
        logger.LogInformation("Workflow {WorkflowId} cancelled: {Reason}", context.Saga.CorrelationId, context.Message.Reason);
        await context.Publish(new WorkflowCancelled { WorkflowId = context.Saga.CorrelationId, Reason = context.Message.Reason, Timestamp = Now });
    }

    /// <summary>A result for a finished run: recorded on the node when it is for the in-flight attempt, never dispatching.</summary>
    public async Task RecordLateAsync<T>(BehaviorContext<WorkflowState, T> context)
        where T : class
    {
        switch (context.Message)
        {
            case NodeCompleted m when await CurrentAttemptNodeAsync(context, m.NodeId, m.Attempt, m.ExecutorId, AttemptOutcomes.Succeeded, null, m.Timestamp) is { } node:
                node.State = NodeStatus.Succeeded;
                node.OutputJson = NodeJson.Write(m.Output);
                node.FinishedAt = m.Timestamp;
                await NodeAttemptLog.FinishedAsync(context, node.WorkflowId, node.NodeId, node.Attempt, AttemptOutcomes.Succeeded, m.ExecutorId, null, m.Timestamp);
                break;
            case NodeFailed m when await CurrentAttemptNodeAsync(context, m.NodeId, m.Attempt, m.ExecutorId, AttemptOutcomes.Failed, m.Error, m.Timestamp) is { } node:
                node.State = NodeStatus.Failed;
                node.Error = m.Error;
                node.FinishedAt = m.Timestamp;
                await NodeAttemptLog.FinishedAsync(context, node.WorkflowId, node.NodeId, node.Attempt, AttemptOutcomes.Failed, m.ExecutorId, m.Error, m.Timestamp);
                break;
            case NodeStarted m:
                logger.LogInformation("Node {NodeId} attempt {Attempt} started after workflow {WorkflowId} finished ({State})",
                    m.NodeId, m.Attempt, context.Saga.CorrelationId, context.Saga.CurrentState);
                break;
        }
    }

    public void IgnoreCancel(BehaviorContext<WorkflowState, CancelWorkflow> context) =>
        logger.LogInformation("Cancel of workflow {WorkflowId} ignored: it is already {State}", context.Saga.CorrelationId, context.Saga.CurrentState);

    public void IgnoreDuplicateStart(BehaviorContext<WorkflowState, StartWorkflow> context) =>
        logger.LogInformation("Duplicate start of workflow {WorkflowId} ignored: it is already {State}", context.Saga.CorrelationId, context.Saga.CurrentState);

    /// <summary>
    /// Sends the next attempt of each node. While paused, pending nodes and due retries are held back (they are new
    /// work); re-dispatches of attempts already under way (failover, recovery) go ahead. Resume and retry pass
    /// <c>evenIfPaused</c> for the nodes they release; a failover passes the executor it takes them from
    /// (<paramref name="goneExecutor"/>), so the waiting reason does not count it as online.
    /// </summary>
    internal async Task DispatchAsync(BehaviorContext<WorkflowState> context, WorkflowGraph graph, IReadOnlyList<WorkflowNodeState> nodes,
        bool evenIfPaused = false, string? goneExecutor = null)
    {
        if (!evenIfPaused && WorkflowControlSteps.IsPaused(context.Saga))
            nodes = nodes.Where(n => n.State is not (NodeStatus.Pending or NodeStatus.Retrying)).ToList();
        foreach (var node in nodes)
        {
            node.Attempt++;
            node.State = NodeStatus.Dispatched;
            node.DispatchedAt = Now;
            node.StartedAt = null;
            node.ExecutorId = null;
            node.WaitingReason = await directory.WaitingReasonAsync(node.Capability, node.Pool, node.TargetExecutor, goneExecutor, context.CancellationToken);
            NodeAttemptLog.Dispatched(context, node, Now);
        }

        var workflowInputJson = context.Saga.InputJson;
        foreach (var node in nodes)
        {
            var command = WorkflowRun.ExecuteCommand(graph, node, workflowInputJson);
            var endpoint = await context.GetSendEndpoint(NodeQueues.SendAddress(node.Capability, node.Pool, node.TargetExecutor));
            await endpoint.Send(command, context.CancellationToken);
        }
    }

    /// <summary>
    /// The node a result is for, if it names the node's current in-flight attempt; otherwise null, and a result
    /// (<paramref name="lateOutcome"/> not null) is recorded on its attempt's row as arrived late, never applied.
    /// </summary>
    internal async Task<WorkflowNodeState?> CurrentAttemptNodeAsync<T>(BehaviorContext<WorkflowState, T> context, string nodeId, int attempt,
        string executorId, string? lateOutcome, string? error, DateTime at)
        where T : class
    {
        var node = context.Saga.Nodes.Find(n => n.NodeId == nodeId);
        var check = WorkflowGraph.CheckResult(node, attempt);
        if (check == ResultCheck.Current)
            return node;
        logger.LogWarning("Ignored {What} of node {NodeId} attempt {Attempt} from executor {ExecutorId} for workflow {WorkflowId}: {Check} (current attempt {Current}, state {State})",
            lateOutcome ?? "start", nodeId, attempt, executorId, context.Saga.CorrelationId, check, node?.Attempt, node?.State);
        // A duplicate delivery of the result that already settled the current attempt is not a late result.
        var duplicate = check == ResultCheck.AlreadySettled && node!.State is NodeStatus.Succeeded or NodeStatus.Failed or NodeStatus.Retrying;
        if (lateOutcome is not null && check != ResultCheck.UnknownNode && !duplicate)
        {
            await NodeAttemptLog.LateResultAsync(context, context.Saga.CorrelationId, nodeId, attempt, lateOutcome, executorId, error, at);
            WorkflowMetrics.StaleResult(context, node!.Capability);
        }
        else if (lateOutcome is null && check != ResultCheck.UnknownNode && !duplicate)
        {
            // An attempt the saga has moved past is running somewhere: its CancelNode went out before that executor was
            // there to hear it (a process started later received the command the lost executor never acknowledged), so
            // it is told again; otherwise it runs to the end and its side effects happen beside the current attempt's.
            await NodeTimeouts.CancelOnExecutorsAsync(context, context.Saga.CorrelationId, nodeId, attempt,
                $"attempt {attempt} started on executor {executorId} after it was superseded (node is {NodeStatusText.Of(node!.State)}, attempt {node.Attempt})");
        }

        return null;
    }

    private static Contracts.Definitions.WorkflowDefinition? StoredDefinition(string json) => WorkflowDefinitionParser.Parse(json).Definition;

    private static bool IsSettled(NodeStatus state) =>
        state is NodeStatus.Succeeded or NodeStatus.Failed or NodeStatus.Cancelled or NodeStatus.Skipped;

    private void Touch(WorkflowState saga) => saga.UpdatedAt = Now;

    private void Finish(WorkflowState saga)
    {
        saga.FinishedAt = Now;
        saga.UpdatedAt = saga.FinishedAt.Value;
    }
}
