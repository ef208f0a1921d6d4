using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Retention;

/// <summary>
/// Deletes finished workflows that finished before a cutoff, with their <c>workflow_nodes</c>, <c>node_attempts</c> and
/// <c>schedule_fires</c> rows, a bounded batch per transaction (oldest first), so the purge never holds many locks or one
/// lock for long while sagas and the API go on. A running or paused workflow is never touched: only the states a run ends
/// in are taken, and each batch checks them under its lock (a failed run retried meanwhile is Running again).
/// <c>outbox_messages</c> are left alone: they are messages still to deliver, not a run's history, and a run that finished
/// long ago has none.
/// </summary>
public sealed class WorkflowPurge(WorkflowDbContextFactory dbContextFactory, TimeProvider time)
{
    /// <summary>The states a run ends in; only they are purged. A rejected start leaves no row (the saga is finalized and discarded).</summary>
    public static readonly IReadOnlyList<string> FinishedStates = ["Completed", "Failed", "Cancelled"];

    /// <summary>
    /// Deletes batch after batch until nothing matches or, with a <paramref name="budget"/>, until that much time has
    /// passed (the API answers within it; the caller asks again while <see cref="PurgeProgress.Done"/> is false).
    /// <paramref name="progress"/> hears each committed batch.
    /// </summary>
    public async Task<PurgeProgress> PurgeAsync(PurgeFilter filter, int batchSize, TimeSpan? budget, Action<PurgeCounts>? progress,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var total = PurgeCounts.None;
        var batches = 0;
        while (true)
        {
            var (purged, more) = await PurgeBatchAsync(filter, batchSize, cancellationToken).ConfigureAwait(false);
            total = total.Add(purged);
            if (purged.Workflows > 0)
            {
                batches++;
                progress?.Invoke(purged);
            }

            if (!more)
                return new PurgeProgress(total, batches, Done: true);
            if (budget is { } limit && time.GetElapsedTime(started) >= limit)
                return new PurgeProgress(total, batches, Done: false);
        }
    }

    /// <summary>
    /// Deletes one batch of up to <paramref name="batchSize"/> workflows and their rows in one transaction; <c>More</c>
    /// is whether the batch was full, so more may be waiting.
    /// </summary>
    public async Task<(PurgeCounts Purged, bool More)> PurgeBatchAsync(PurgeFilter filter, int batchSize, CancellationToken cancellationToken)
    {
        await using var db = dbContextFactory.Create();
        var (purged, more) = dbContextFactory.Provider == DatabaseProvider.Sqlite
            ? await OneWriterBatchAsync(db, filter, batchSize, cancellationToken).ConfigureAwait(false)
            : await LockingBatchAsync(db, filter, batchSize, cancellationToken).ConfigureAwait(false);
        RetentionMetrics.Purged(purged);
        return (purged, more);
    }

    /// <summary>
    /// SQLite: the transaction (<c>BEGIN IMMEDIATE</c>) holds the store's one write lock, so what it picks cannot change
    /// before it deletes; nothing more to lock.
    /// </summary>
    private static async Task<(PurgeCounts, bool)> OneWriterBatchAsync(WorkflowDbContext db, PurgeFilter filter, int batchSize,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var ids = await PickAsync(db, filter, batchSize, cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
            return (PurgeCounts.None, false);
        var purged = await DeleteAsync(db, ids, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (purged, ids.Count == batchSize);
    }

    /// <summary>MySQL, PostgreSQL: picked outside the transaction (the index read holds nothing), then locked and re-checked.</summary>
    private static async Task<(PurgeCounts, bool)> LockingBatchAsync(WorkflowDbContext db, PurgeFilter filter, int batchSize,
        CancellationToken cancellationToken)
    {
        var picked = await PickAsync(db, filter, batchSize, cancellationToken).ConfigureAwait(false);
        if (picked.Count == 0)
            return (PurgeCounts.None, false);
        return (await DeleteIfStillPurgeableAsync(db, filter, picked, cancellationToken).ConfigureAwait(false), picked.Count == batchSize);
    }

    /// <summary>
    /// In one transaction, deletes those of <paramref name="picked"/> that <paramref name="filter"/> still takes, with their
    /// rows. The rows are locked before their children are touched: the version bump takes each row lock and re-checks
    /// the state on the row as committed, so a run that a retry re-opened after the pick keeps everything, and a saga step
    /// that wants a row waits for this commit and then finds it gone.
    /// </summary>
    public static async Task<PurgeCounts> DeleteIfStillPurgeableAsync(WorkflowDbContext db, PurgeFilter filter, IReadOnlyList<Guid> picked,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var locked = await Purgeable(db, filter).Where(w => EF.Constant(picked).Contains(w.CorrelationId))
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Version, w => w.Version + 1), cancellationToken).ConfigureAwait(false);
        // Fewer than picked: find which (finished_at only ever moves to now or to null, so what matches now is what was locked).
        var ids = locked == picked.Count ? picked.ToList()
            : await Purgeable(db, filter).Where(w => EF.Constant(picked).Contains(w.CorrelationId)).Select(w => w.CorrelationId)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
            return PurgeCounts.None;
        var purged = await DeleteAsync(db, ids, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return purged;
    }

    private static Task<List<Guid>> PickAsync(WorkflowDbContext db, PurgeFilter filter, int batchSize, CancellationToken cancellationToken) =>
        Purgeable(db, filter).OrderBy(w => w.FinishedAt).Take(batchSize).Select(w => w.CorrelationId).ToListAsync(cancellationToken);

    /// <summary>Children before their workflow rows, all in the caller's transaction.</summary>
    private static async Task<PurgeCounts> DeleteAsync(WorkflowDbContext db, List<Guid> ids, CancellationToken cancellationToken)
    {
        var attempts = await db.NodeAttempts.Where(a => EF.Constant(ids).Contains(a.WorkflowId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        var nodes = await db.Nodes.Where(n => EF.Constant(ids).Contains(n.WorkflowId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        var fires = await db.ScheduleFires.Where(f => f.WorkflowId != null && EF.Constant(ids).Contains(f.WorkflowId.Value))
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        var workflows = await db.Workflows.Where(w => EF.Constant(ids).Contains(w.CorrelationId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        return new PurgeCounts(workflows, nodes, attempts, fires);
    }

    /// <summary>What a purge with <paramref name="filter"/> would delete now, counted without deleting (a dry run).</summary>
    public async Task<PurgeCounts> CountAsync(PurgeFilter filter, CancellationToken cancellationToken)
    {
        await using var db = dbContextFactory.Create();
        var workflows = Purgeable(db, filter);
        return new PurgeCounts(
            await workflows.CountAsync(cancellationToken).ConfigureAwait(false),
            await db.Nodes.CountAsync(n => workflows.Any(w => w.CorrelationId == n.WorkflowId), cancellationToken).ConfigureAwait(false),
            await db.NodeAttempts.CountAsync(a => workflows.Any(w => w.CorrelationId == a.WorkflowId), cancellationToken).ConfigureAwait(false),
            await db.ScheduleFires.CountAsync(f => workflows.Any(w => w.CorrelationId == f.WorkflowId), cancellationToken).ConfigureAwait(false));
    }

    private static IQueryable<WorkflowState> Purgeable(WorkflowDbContext db, PurgeFilter filter)
    {
        var states = filter.State is { } state ? [state] : FinishedStates.ToArray();
        return db.Workflows.Where(w => w.FinishedAt < filter.FinishedBefore && EF.Constant(states).Contains(w.CurrentState));
    }
}

/// <summary>Which workflows a purge takes: finished before <see cref="FinishedBefore"/> (UTC), in <see cref="State"/> or any finished state.</summary>
public sealed record PurgeFilter(DateTime FinishedBefore, string? State = null);

/// <summary>What a purge call did: rows deleted, batches committed, and whether nothing is left to purge.</summary>
public sealed record PurgeProgress(PurgeCounts Purged, int Batches, bool Done);

/// <summary>Rows deleted (or, in a dry run, that would be), per table.</summary>
public sealed record PurgeCounts(long Workflows, long Nodes, long Attempts, long ScheduleFires)
{
    public static readonly PurgeCounts None = new(0, 0, 0, 0);

    public PurgeCounts Add(PurgeCounts other) =>
        new(Workflows + other.Workflows, Nodes + other.Nodes, Attempts + other.Attempts, ScheduleFires + other.ScheduleFires);
}
