using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.ExecutorRegistry;

/// <summary>Says why a node will wait in its queue (no executor online can take it), or null when one can.</summary>
public interface IExecutorDirectory
{
    /// <param name="capability">The node's capability.</param>
    /// <param name="pool">The pool it targets, if any.</param>
    /// <param name="executor">The executor it targets, if any.</param>
    /// <param name="goneExecutor">
    /// An executor known to be gone though the view may still list it online: the one a failover or handover takes the node
    /// from, whose row turned Lost or Draining a moment ago.
    /// </param>
    /// <param name="cancellationToken">Stops a refresh of the view.</param>
    Task<string?> WaitingReasonAsync(string capability, string? pool, string? executor, string? goneExecutor, CancellationToken cancellationToken);

    /// <summary>
    /// Sticky routing: the executor that owns <paramref name="routingKey"/> among the online executors that consume their
    /// own queue and can take the node (capability, pool), not counting <paramref name="goneExecutor"/>; null when none can.
    /// </summary>
    Task<KeyOwner?> OwnerOfAsync(string routingKey, string capability, string? pool, string? goneExecutor, CancellationToken cancellationToken);
}

/// <summary>The executor a routing key chose, and its process instance at the time (stamped on the command).</summary>
public sealed record KeyOwner(string ExecutorId, Guid InstanceId);

/// <summary>
/// This process's view of which executors are online, refreshed from the <c>executors</c> table every
/// <see cref="FailoverOptions.DirectoryRefresh"/>, so a dispatch can say why a node will wait (no executor with the
/// capability, the pool empty, the named executor offline) without a query per node. Before it states a reason from a
/// view older than <see cref="FreshEnough"/>, it re-reads the table, so an executor that came online a moment ago is not
/// missed. The reason is advice for people reading <c>workflow_nodes.waiting_reason</c>; the node is queued either way.
/// </summary>
public sealed class ExecutorDirectory(
    WorkflowDbContextFactory dbContextFactory,
    IOptions<FailoverOptions> options,
    TimeProvider time,
    ILogger<ExecutorDirectory> logger) : BackgroundService, IExecutorDirectory
{
    private static readonly TimeSpan FreshEnough = TimeSpan.FromMilliseconds(100);

    private volatile Snapshot? _snapshot;

    public async Task<string?> WaitingReasonAsync(string capability, string? pool, string? executor, string? goneExecutor,
        CancellationToken cancellationToken)
    {
        var reason = _snapshot is { } snapshot ? ReasonIn(snapshot.Online, capability, pool, executor, goneExecutor) : "";
        if (reason is null || (_snapshot is { } current && time.GetUtcNow() - current.ReadAt < FreshEnough))
            return reason;
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Advice must never fail a dispatch: without a fresh view, say nothing.
            logger.LogDebug(ex, "Executor directory refresh failed; no waiting reason given");
            return null;
        }

        return ReasonIn(_snapshot!.Online, capability, pool, executor, goneExecutor);
    }

    public async Task<KeyOwner?> OwnerOfAsync(string routingKey, string capability, string? pool, string? goneExecutor,
        CancellationToken cancellationToken)
    {
        // A key's owner is read from a view at most FreshEnough old, so a node dispatched right after an executor came
        // online, or began draining, goes where the registry says. Concurrent dispatches share one refresh, so a busy
        // orchestrator reads the executors table at most ten times a second for this. Should the view still be a moment
        // behind, the registry corrects it: a lost or draining executor's unstarted sticky attempts are sent again.
        if (_snapshot is not { } current || time.GetUtcNow() - current.ReadAt >= FreshEnough)
        {
            try
            {
                await SharedRefreshAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug(ex, "Executor directory refresh failed; routing key {RoutingKey} is routed from the last view", routingKey);
                if (_snapshot is null)
                    return null;
            }
        }

        var candidates = _snapshot!.Online.Where(e => e.OwnQueue && e.ExecutorId != goneExecutor && e.Capabilities.Contains(capability)
            && (pool is null || e.Pools.Contains(pool)));
        return RendezvousHash.Owner(routingKey, candidates, e => e.ExecutorId) is { } owner ? new KeyOwner(owner.ExecutorId, owner.InstanceId) : null;
    }

    private static string? ReasonIn(IReadOnlyList<OnlineExecutor> all, string capability, string? pool, string? executor, string? goneExecutor)
    {
        var online = goneExecutor is null ? all : all.Where(e => e.ExecutorId != goneExecutor).ToList();
        if (executor is not null)
        {
            var named = online.FirstOrDefault(e => e.ExecutorId == executor);
            return named is null ? $"executor {executor} is not online"
                : !named.Capabilities.Contains(capability) ? $"executor {executor} does not have capability {capability}"
                : null;
        }

        var capable = online.Where(e => e.Capabilities.Contains(capability)).ToList();
        if (capable.Count == 0)
            return $"no executor with capability {capability} online";
        if (pool is not null && !capable.Exists(e => e.Pools.Contains(pool)))
            return $"pool {pool} has no online executor with capability {capability}";
        return null;
    }

    private Task? _refreshing;
    private readonly Lock _refreshLock = new();

    // One refresh at a time for sticky routing: callers that find it under way wait for it instead of querying again.
    private Task SharedRefreshAsync(CancellationToken cancellationToken)
    {
        lock (_refreshLock)
        {
            if (_refreshing is { IsCompleted: false } running)
                return running.WaitAsync(cancellationToken);
            // Not tied to one caller's token: the others share it.
            _refreshing = RefreshAsync(CancellationToken.None);
            return _refreshing.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Reads the table now (tests and start-up use it; the loop calls it every refresh interval).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var db = dbContextFactory.Create();
        var rows = await db.Executors.AsNoTracking()
            .Where(e => e.CurrentState == "Online")
            .Select(e => new { e.ExecutorId, e.InstanceId, e.OwnQueue, e.Capabilities, e.Pools })
            .ToListAsync(cancellationToken);
        _snapshot = new Snapshot(
            rows.Select(r => new OnlineExecutor(r.ExecutorId, r.InstanceId, r.OwnQueue, Split(r.Capabilities), Split(r.Pools))).ToList(),
            time.GetUtcNow());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DirectoryRefresh, time);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stale advice is harmless; the next tick tries again.
                logger.LogDebug(ex, "Executor directory refresh failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static HashSet<string> Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    private sealed record Snapshot(IReadOnlyList<OnlineExecutor> Online, DateTimeOffset ReadAt);

    private sealed record OnlineExecutor(string ExecutorId, Guid InstanceId, bool OwnQueue, HashSet<string> Capabilities, HashSet<string> Pools);
}
