using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;
using SagaWorkflow.Orchestrator.ExecutorRegistry;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Recovery;

/// <summary>
/// Closes the gaps the in-memory outbox leaves: a crash after the saga row is committed but before the broker has
/// its ExecuteNode (or, for a retry, the scheduler its timer: see <see cref="OverdueRetriesAsync"/>). Such a node stays <c>dispatched</c> forever, so nodes dispatched longer than
/// <see cref="OrchestratorOptions.RedispatchAfter"/> ago are handed back to the saga (<see cref="RecoverNode"/>), which
/// decides under its own concurrency control. Every orchestrator runs one; duplicates are fenced by attempt. A node with a
/// waiting reason (no executor online can take it) is queued, not lost, so it is left alone. It also reassigns nodes left
/// running on an executor that is lost or stopped (<see cref="OrphanedAttemptsAsync"/>).
/// </summary>
public sealed class StaleDispatchSweeper(
    WorkflowDbContextFactory dbContextFactory,
    ISendEndpointProvider sendEndpoints,
    BrokerConnectionWatch broker,
    IOptions<OrchestratorOptions> options,
    TimeProvider time,
    ILogger<StaleDispatchSweeper> logger) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A database or broker hiccup must not end the sweeper: the next tick tries again.
                logger.LogWarning(ex, "Stale dispatch sweep failed");
            }
        }
    }

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var db = dbContextFactory.Create();
        var now = time.GetUtcNow().UtcDateTime;
        var cutoff = now - options.Value.RedispatchAfter;
        // Right after an outage of the broker or the database every queue looks idle and every dispatch old: nothing
        // could start. Those nodes are queued, not lost; judge them once a full window has passed in working order
        // (measured in bench/chaos.sh: 434 needless re-dispatches after a 60 s outage without this).
        var heardThroughout = broker.CouldHearSince(cutoff) && !(DatabaseOutages.LastSeenAt >= cutoff);
        var stale = heardThroughout ? await StaleDispatchesAsync(db, cutoff, cancellationToken) : [];
        var overdue = await OverdueRetriesAsync(db, now - options.Value.RetryGrace, cancellationToken);
        var orphaned = await OrphanedAttemptsAsync(db, now - options.Value.LostExecutorGrace, cancellationToken);
        if (stale.Count == 0 && overdue.Count == 0 && orphaned.Count == 0)
            return 0;

        var endpoint = await sendEndpoints.GetSendEndpoint(NodeQueues.WorkflowStateAddress);
        if (stale.Count > 0)
        {
            logger.LogWarning("{Count} node(s) dispatched more than {After} ago never started; asking their workflows to re-dispatch",
                stale.Count, options.Value.RedispatchAfter);
            foreach (var command in stale)
                await endpoint.Send(command, cancellationToken);
        }

        if (overdue.Count > 0)
        {
            logger.LogWarning("{Count} retry(s) are more than {Grace} overdue (their timer was never stored or never fired); sending them now",
                overdue.Count, options.Value.RetryGrace);
            foreach (var command in overdue)
                await endpoint.Send(command, cancellationToken);
        }

        if (orphaned.Count > 0)
        {
            logger.LogWarning("{Count} workflow(s) have nodes still running on executors lost or stopped more than {Grace} ago; reassigning them",
                orphaned.Count, options.Value.LostExecutorGrace);
            foreach (var command in orphaned)
                await endpoint.Send(command, cancellationToken);
        }

        return stale.Count + overdue.Count + orphaned.Count;
    }

    /// <summary>
    /// The gap in failover itself: nodes still <c>running</c> on an executor (or, sticky-routed, still <c>dispatched</c> to its
    /// own queue) that was declared lost, or stopped, before
    /// <paramref name="cutoff"/> (its ExecutorLost ended in the error queue, or the orchestrator handling it died). One
    /// <see cref="ReassignNodes"/> per workflow and executor; the saga moves only attempts still held by that executor, so
    /// a failover that did happen meanwhile makes this a no-op.
    /// </summary>
    public static async Task<List<ReassignNodes>> OrphanedAttemptsAsync(WorkflowDbContext db, DateTime cutoff, CancellationToken cancellationToken)
    {
        // Running there, or (sticky routing) sent to its own queue and never started: nobody else consumes that queue.
        var rows = await db.Nodes
            .Where(n => (n.State == NodeStatus.Running || (n.State == NodeStatus.Dispatched && n.RoutedExecutor != null))
                && db.Executors.Any(e => e.ExecutorId == (n.State == NodeStatus.Running ? n.ExecutorId : n.RoutedExecutor)
                    && ((e.CurrentState == "Lost" && e.LostAt < cutoff) || (e.CurrentState == "Stopped" && e.StoppedAt < cutoff))))
            .OrderBy(n => n.DispatchedAt)
            .Take(BatchSize)
            .Select(n => new { n.WorkflowId, n.NodeId, n.Attempt, ExecutorId = (n.State == NodeStatus.Running ? n.ExecutorId : n.RoutedExecutor)! })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => (r.WorkflowId, r.ExecutorId))
            .Select(g => new ReassignNodes
            {
                WorkflowId = g.Key.WorkflowId, ExecutorId = g.Key.ExecutorId, Reason = "its failover did not happen (found by the orchestrator's sweeper)",
                Attempts = g.Select(r => new NodeAttemptRef { NodeId = r.NodeId, Attempt = r.Attempt }).ToList(),
            })
            .ToList();
    }

    /// <summary>
    /// Nodes still <c>dispatched</c> since before <paramref name="cutoff"/>, without a waiting reason, whose command looks
    /// lost rather than queued. A queue is first in, first out, so a node is lost when a node of the same queue
    /// dispatched after it has started, or when nothing in its queue has started since <paramref name="cutoff"/> (the
    /// queue is idle, so it is not waiting its turn). A node behind a backlog that is moving is neither, and is left
    /// alone: re-dispatching it would only add a copy to the back of the same backlog (measured in bench/chaos.sh
    /// before this check: 90,000 re-dispatches, and executors busy running superseded copies).
    /// </summary>
    public static async Task<List<RecoverNode>> StaleDispatchesAsync(WorkflowDbContext db, DateTime cutoff, CancellationToken cancellationToken)
    {
        var candidates = await db.Nodes
            .Where(n => n.State == NodeStatus.Dispatched && n.DispatchedAt < cutoff && n.WaitingReason == null)
            .OrderBy(n => n.DispatchedAt)
            .Take(BatchSize)
            .Select(n => new { n.WorkflowId, n.NodeId, n.Attempt, n.Capability, n.Pool, n.TargetExecutor, n.RoutedExecutor, n.DispatchedAt })
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
            return [];

        // Per queue, among nodes whose current attempt started since the oldest candidate was dispatched: the latest
        // dispatch among them, and the latest start (started_at is reset at each dispatch, so it is this attempt's).
        var oldest = candidates[0].DispatchedAt;
        var queues = await db.Nodes
            .Where(n => n.StartedAt != null && n.StartedAt >= oldest)
            .GroupBy(n => new { n.Capability, n.Pool, n.TargetExecutor, n.RoutedExecutor })
            .Select(g => new { g.Key.Capability, g.Key.Pool, g.Key.TargetExecutor, g.Key.RoutedExecutor, LatestDispatch = g.Max(n => n.DispatchedAt), LatestStart = g.Max(n => n.StartedAt) })
            .ToListAsync(cancellationToken);
        return candidates
            .Where(c => queues.Find(q => q.Capability == c.Capability && q.Pool == c.Pool && q.TargetExecutor == c.TargetExecutor
                    && q.RoutedExecutor == c.RoutedExecutor) is not { } queue
                || queue.LatestDispatch > c.DispatchedAt
                || queue.LatestStart < cutoff)
            .Select(c => new RecoverNode { WorkflowId = c.WorkflowId, NodeId = c.NodeId, Attempt = c.Attempt })
            .ToList();
    }

    /// <summary>
    /// The other commit-then-crash gap: a failed attempt's retry is committed as <c>retrying</c>, but the orchestrator
    /// died before its ScheduleMessage reached the scheduler, so no timer exists. Retries due before
    /// <paramref name="cutoff"/> in a running workflow (a paused one holds them on purpose) are sent now; the saga
    /// dispatches only if the node still waits for exactly that attempt, so a timer that fires after all changes nothing.
    /// </summary>
    public static Task<List<RetryNode>> OverdueRetriesAsync(WorkflowDbContext db, DateTime cutoff, CancellationToken cancellationToken) =>
        db.Nodes
            .Where(n => n.State == NodeStatus.Retrying && n.NextAttemptAt < cutoff
                && db.Workflows.Any(w => w.CorrelationId == n.WorkflowId && w.CurrentState == "Running"))
            .OrderBy(n => n.NextAttemptAt)
            .Take(BatchSize)
            .Select(n => new RetryNode { WorkflowId = n.WorkflowId, NodeId = n.NodeId, Attempt = n.Attempt })
            .ToListAsync(cancellationToken);
}
