using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Persistence.Executors;
using SagaWorkflow.Persistence.Sagas;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.ExecutorRegistry;

/// <summary>The state changes behind <see cref="ExecutorStateMachine"/>: each method handles one event for one executor row.</summary>
public sealed class ExecutorSteps(IOptions<FailoverOptions> options, BrokerConnectionWatch broker, TimeProvider time, ILogger<ExecutorSteps> logger)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task OnlineAsync(BehaviorContext<ExecutorState, ExecutorOnline> context)
    {
        var m = context.Message;
        var saga = context.Saga;
        if (saga.InstanceId != Guid.Empty && saga.InstanceId != m.InstanceId && saga.CurrentState is "Online" or "Draining")
        {
            // The same executor id started again without the old process saying goodbye: the old one died, and what it
            // was running will never report. Fail over now rather than wait for a timeout that the new process keeps re-arming.
            await PublishLostAsync(context, $"replaced by a new process (instance {m.InstanceId:N}) before it stopped cleanly");
        }

        Record(saga, m.ExecutorId, m.InstanceId, m.Capabilities, m.Pools, m.Concurrency, m.Host, m.AgentVersion, m.HeartbeatInterval, m.Timestamp);
        saga.OwnQueue = m.OwnQueue;
        saga.StartedAt = m.Timestamp;
        saga.InFlightCount = 0;
        saga.InFlightJson = "[]";
        saga.LostAt = null;
        saga.LostReason = null;
        saga.StoppedAt = null;
        saga.DrainRequestedAt = null;
        saga.DrainedAt = null;
        logger.LogInformation("Executor {ExecutorId} online: capabilities {Capabilities}, pools [{Pools}], concurrency {Concurrency}, heartbeat timeout {Timeout} ms",
            m.ExecutorId, saga.Capabilities, saga.Pools, m.Concurrency, saga.HeartbeatTimeoutMs);
        await ClearWaitingReasonsAsync(context, m.ExecutorId, m.Capabilities, m.Pools);
    }

    public async Task HeartbeatAsync(BehaviorContext<ExecutorState, ExecutorHeartbeat> context)
    {
        var m = context.Message;
        var firstSeen = context.Saga.InstanceId == Guid.Empty;
        RecordHeartbeat(context.Saga, m);
        if (firstSeen)
            await ClearWaitingReasonsAsync(context, m.ExecutorId, m.Capabilities, m.Pools);
        if (m.Draining)
            await RerouteStickyAsync(context, m);
    }

    /// <summary>A lost (frozen, cut off) or stopped executor heartbeats again: online again; its old attempts stay reassigned.</summary>
    public async Task ResumedAsync(BehaviorContext<ExecutorState, ExecutorHeartbeat> context)
    {
        var m = context.Message;
        logger.LogWarning("Executor {ExecutorId} heartbeats again after being {State} since {Since:O}; attempts reassigned meanwhile stay reassigned and their late results are fenced",
            m.ExecutorId, context.Saga.CurrentState, context.Saga.LostAt ?? context.Saga.StoppedAt);
        RecordHeartbeat(context.Saga, m);
        context.Saga.LostAt = null;
        context.Saga.StoppedAt = null;
        await ClearWaitingReasonsAsync(context, m.ExecutorId, m.Capabilities, m.Pools);
    }

    public void ForeignHeartbeat(BehaviorContext<ExecutorState, ExecutorHeartbeat> context) =>
        logger.LogWarning("Heartbeat from instance {Instance:N} of executor {ExecutorId} ignored: instance {Current:N} holds that id (two processes share one executor id?)",
            context.Message.InstanceId, context.Message.ExecutorId, context.Saga.InstanceId);

    /// <summary>
    /// True when the timeout is no evidence: within the reconnect grace (or the timeout window, if longer) this
    /// orchestrator lost the broker — the executor's heartbeats had nowhere to go, or it has not reconnected yet — or
    /// met the database away, when heartbeats could not be recorded. The timeout is then re-armed (see the state
    /// machine), giving the executor one more window.
    /// </summary>
    public bool MissedWhileCutOff(BehaviorContext<ExecutorState, ExecutorHeartbeatTimedOut> context)
    {
        var window = TimeSpan.FromMilliseconds(context.Saga.HeartbeatTimeoutMs);
        var since = time.GetUtcNow() - (window > options.Value.BrokerReconnectGrace ? window : options.Value.BrokerReconnectGrace);
        return !broker.CouldHearSince(since) || DatabaseOutages.LastSeenAt >= since;
    }

    public void GraceAfterOutage(BehaviorContext<ExecutorState, ExecutorHeartbeatTimedOut> context) =>
        logger.LogWarning("Heartbeat timeout of executor {ExecutorId} not counted: this orchestrator reconnected to the broker at {Recovered:O} or met the database away at {DatabaseAway:O}, within the grace of {Grace}; waiting one more window",
            context.Saga.ExecutorId, broker.LastRecoveredAt, DatabaseOutages.LastSeenAt, options.Value.BrokerReconnectGrace);

    public async Task TimedOutAsync(BehaviorContext<ExecutorState, ExecutorHeartbeatTimedOut> context)
    {
        var saga = context.Saga;
        saga.HeartbeatTimeoutTokenId = null;
        await PublishLostAsync(context, $"no heartbeat for {saga.HeartbeatTimeoutMs} ms (last at {saga.LastHeartbeatAt:O})");
        saga.LostAt = Now;
    }

    public void Stopped(BehaviorContext<ExecutorState, ExecutorStopped> context)
    {
        context.Saga.StoppedAt = context.Message.Timestamp;
        context.Saga.InFlightCount = 0;
        context.Saga.InFlightJson = "[]";
        logger.LogInformation("Executor {ExecutorId} stopped", context.Saga.ExecutorId);
    }

    public void ForeignStop(BehaviorContext<ExecutorState, ExecutorStopped> context) =>
        logger.LogInformation("Stop of old instance {Instance:N} of executor {ExecutorId} ignored", context.Message.InstanceId, context.Message.ExecutorId);

    public void DrainRequested(BehaviorContext<ExecutorState, DrainExecutor> context)
    {
        context.Saga.DrainRequestedAt = Now;
        context.Saga.DrainedAt = null;
    }

    public void Drained(BehaviorContext<ExecutorState, ExecutorDrained> context)
    {
        context.Saga.DrainedAt = context.Message.Timestamp;
        logger.LogInformation("Executor {ExecutorId} drained: {Completed} finished, {HandedOver} handed over", context.Message.ExecutorId,
            context.Message.Completed, context.Message.HandedOver);
    }

    private async Task PublishLostAsync<T>(BehaviorContext<ExecutorState, T> context, string reason)
        where T : class
    {
        var saga = context.Saga;
        saga.LostReason = reason;
        logger.LogWarning("Executor {ExecutorId} lost: {Reason}; reassigning its {Count} in-flight attempt(s)", saga.ExecutorId, reason, saga.InFlightCount);
        await context.Publish(new ExecutorLost
        {
            ExecutorId = saga.ExecutorId,
            InstanceId = saga.InstanceId,
            InFlight = JsonSerializer.Deserialize<string[]>(saga.InFlightJson) ?? [],
            LastHeartbeatAt = saga.LastHeartbeatAt,
            Reason = reason,
            Timestamp = Now,
        });
    }

    private void RecordHeartbeat(ExecutorState saga, ExecutorHeartbeat m)
    {
        Record(saga, m.ExecutorId, m.InstanceId, m.Capabilities, m.Pools, m.Concurrency, m.Host, m.AgentVersion, m.HeartbeatInterval, m.Timestamp);
        saga.InFlightCount = m.InFlight.Count;
        saga.InFlightJson = JsonSerializer.Serialize(m.InFlight);
        saga.OwnQueue = m.OwnQueue;
    }

    /// <summary>
    /// Sticky routing while an executor drains: it has stopped consuming its own queue, so attempts its routing keys sent
    /// there and that it has not started (not in this heartbeat's in-flight list) would wait for it forever. Each such
    /// workflow's saga is told to send them again, to their keys' new owners (the registry only reads node rows). Asked
    /// on every draining heartbeat, so an attempt routed here from a view a moment old is moved by the next one; the saga
    /// ignores a repeat for an attempt it has already moved.
    /// </summary>
    private async Task RerouteStickyAsync(ConsumeContext context, ExecutorHeartbeat m)
    {
        if (!SagaDatabase.TryGet(context, out var db))
            return;
        var waiting = await db.Nodes.AsNoTracking()
            .Where(n => n.RoutedExecutor == m.ExecutorId && n.State == NodeStatus.Dispatched)
            .Select(n => new { n.WorkflowId, n.NodeId, n.Attempt })
            .Take(RerouteBatch)
            .ToListAsync(context.CancellationToken);
        var running = m.InFlight.ToHashSet(StringComparer.Ordinal);
        var unstarted = waiting.Where(n => !running.Contains(ExecuteNode.ExecutionIdFor(n.WorkflowId, n.NodeId, n.Attempt))).ToList();
        if (unstarted.Count == 0)
            return;
        logger.LogInformation("Executor {ExecutorId} drains: moving {Count} unstarted sticky attempt(s) to their keys' new owners", m.ExecutorId, unstarted.Count);
        await Reassignments.SendAsync(context, m.ExecutorId, unstarted.Select(n => (n.WorkflowId, n.NodeId, n.Attempt)),
            $"executor {m.ExecutorId} drains before starting it", draining: true);
    }

    // Per heartbeat; the next heartbeat takes the rest.
    private const int RerouteBatch = 500;

    private void Record(ExecutorState saga, string executorId, Guid instanceId, IReadOnlyList<string> capabilities, IReadOnlyList<string> pools,
        int concurrency, string host, string agentVersion, TimeSpan interval, DateTime timestamp)
    {
        if (saga.InstanceId == Guid.Empty)
            saga.FirstSeenAt = Now;
        saga.ExecutorId = executorId;
        saga.InstanceId = instanceId;
        saga.Capabilities = string.Join(',', capabilities);
        saga.Pools = string.Join(',', pools);
        saga.Concurrency = concurrency;
        saga.Host = host;
        saga.AgentVersion = agentVersion;
        saga.HeartbeatIntervalMs = (long)interval.TotalMilliseconds;
        var timeout = TimeSpan.FromMilliseconds(interval.TotalMilliseconds * options.Value.HeartbeatTimeoutFactor);
        saga.HeartbeatTimeoutMs = (long)Math.Max(timeout.TotalMilliseconds, options.Value.MinimumHeartbeatTimeout.TotalMilliseconds);
        saga.LastHeartbeatAt = timestamp;
    }

    /// <summary>
    /// Nodes that waited because no executor could take them, and this one can: the reason no longer holds. Each such
    /// workflow's saga is told (it alone writes its node rows, under its version check); this registry only reads.
    /// </summary>
    private static async Task ClearWaitingReasonsAsync(ConsumeContext context, string executorId, IReadOnlyList<string> capabilities, IReadOnlyList<string> pools)
    {
        if (!SagaDatabase.TryGet(context, out var db))
            return;
        var caps = capabilities.ToList();
        var poolList = pools.ToList();
        var workflows = await db.Nodes.AsNoTracking()
            .Where(n => n.WaitingReason != null && n.State == NodeStatus.Dispatched && caps.Contains(n.Capability)
                && (n.TargetExecutor == executorId || (n.TargetExecutor == null && (n.Pool == null || poolList.Contains(n.Pool)))))
            .Select(n => n.WorkflowId)
            .Distinct()
            .ToListAsync(context.CancellationToken);
        if (workflows.Count == 0)
            return;
        var endpoint = await context.GetSendEndpoint(NodeQueues.WorkflowStateAddress);
        foreach (var workflowId in workflows)
            await endpoint.Send(new ExecutorAvailable { WorkflowId = workflowId, ExecutorId = executorId, Capabilities = capabilities, Pools = pools },
                context.CancellationToken);
    }
}
