using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SagaWorkflow.Persistence.Outbox;

/// <summary>
/// The outbox's background loop in every orchestrator. Each poll it beats (bumps this process's
/// <see cref="OutboxOwner.Beat"/>), retries its own failed deliveries, and delivers the rows of owners taken for dead:
/// an owner whose beat this process has seen stand still for <see cref="OutboxOptions.OwnerTimeout"/>, or that stopped.
/// Deletes of delivered rows are flushed between polls, gathered. Rows of a dead owner are taken under
/// <c>FOR UPDATE SKIP LOCKED</c> on MySQL and PostgreSQL, so two survivors never send the same row; SQLite has one writer.
/// </summary>
public sealed class OutboxRecovery(
    WorkflowDbContextFactory dbContexts,
    OutboxDelivery delivery,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxRecovery> logger) : BackgroundService
{
    /// <summary>The beat of an owner that stopped cleanly: its leftovers are taken at once.</summary>
    public const long Stopped = -1;

    private const int DeleteBatch = 1000;
    private const int TakeOverBatch = 500;

    private readonly OutboxOptions _options = options.Value;
    private readonly OwnerSightings _sightings = new(options.Value.OwnerTimeout, clock);
    private bool _databaseWasAway;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPoll = 0L;
        var failed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (failed)
                {
                    failed = false;
                    await Task.Delay(_options.PollInterval, clock, stoppingToken).ConfigureAwait(false);
                }

                if (clock.GetTimestamp() >= nextPoll)
                {
                    await PollAsync(stoppingToken).ConfigureAwait(false);
                    nextPoll = clock.GetTimestamp() + (long)(_options.PollInterval.TotalSeconds * clock.TimestampFrequency);
                }

                // One batch at a time, then the poll is looked at again: under a steady load there is always something
                // more to delete, and flushing until none was left kept a loaded replacement from ever polling (measured:
                // a dead orchestrator's rows waited 24-37 s behind the new one's own deletes).
                await FlushDeletesAsync(stoppingToken, batches: 1).ConfigureAwait(false);
                if (delivery.HasDelivered)
                    continue;
                var untilPoll = TimeSpan.FromSeconds(Math.Max(0, nextPoll - clock.GetTimestamp()) / (double)clock.TimestampFrequency);
                // Woken by deliveries, so deletes go out in gathered batches a few milliseconds after the sends.
                if (await delivery.WaitForDeliveredAsync(untilPoll, stoppingToken).ConfigureAwait(false))
                    await Task.Delay(GatherDeletes, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (DatabaseFailures.IsConflict(exception))
            {
                // Another transaction won a lock (MySQL's drivers call that transient, but the database answered): the dead
                // owners stay dead, and the take-over is tried again at the next poll.
                logger.LogWarning("Outbox poll lost a lock conflict, trying again: {Reason}", DatabaseFailures.Reason(exception, null));
                failed = true;
            }
            catch (Exception exception) when (DatabaseFailures.IsOutage(exception))
            {
                // The database is away: the beat stops too, and others stop counting while they cannot read (see Observe).
                logger.LogWarning("Outbox poll failed, database unavailable: {Reason}", DatabaseFailures.Reason(exception, null));
                failed = _databaseWasAway = true;
            }
            catch (Exception exception)
            {
                // The database answered: other owners could beat meanwhile, so the counts go on (resetting them here made a
                // take-over that failed wait a whole OwnerTimeout again before its retry).
                logger.LogError(exception, "Outbox poll failed");
                failed = true;
            }
        }
    }

    // Long enough to gather the deletes of a burst of commits, short enough that rows do not pile up.
    private static readonly TimeSpan GatherDeletes = TimeSpan.FromMilliseconds(20);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Stopped after the bus (registered before it): nothing more will be sent. What is delivered is deleted; what is
        // not stays for another orchestrator, which takes it at once because this owner says it stopped.
        try
        {
            await FlushDeletesAsync(cancellationToken).ConfigureAwait(false);
            await using var db = dbContexts.CreateForOutbox();
            await db.Set<OutboxOwner>().Where(o => o.OwnerId == delivery.OwnerId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Beat, Stopped), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning("Outbox could not record its stop ({Reason}); others take its leftovers after {Timeout}",
                exception.Message, _options.OwnerTimeout);
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        await BeatAsync(cancellationToken).ConfigureAwait(false);
        var failed = delivery.TakeFailed();
        if (failed.Count > 0)
            await delivery.DeliverCommittedAsync(failed, cancellationToken).ConfigureAwait(false);
        await DeliverCommittedOfFailedStepsAsync(cancellationToken).ConfigureAwait(false);
        var dead = await ObserveAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (owner, beat) in dead)
            await TakeOverAsync(owner, beat, cancellationToken).ConfigureAwait(false);
        // What a slow recovery is explained with (Logging:LogLevel:SagaWorkflow.Persistence.Outbox = Debug).
        logger.LogDebug("Outbox poll took {Milliseconds:F0} ms: {Watched} other owner(s) watched, {Dead} taken for dead",
            clock.GetElapsedTime(started).TotalMilliseconds, _sightings.Watched, dead.Count);
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        await using var db = dbContexts.CreateForOutbox();
        var owners = db.Set<OutboxOwner>();
        if (await owners.Where(o => o.OwnerId == delivery.OwnerId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Beat, o => o.Beat + 1), cancellationToken).ConfigureAwait(false) > 0)
            return;
        owners.Add(new OutboxOwner
        {
            OwnerId = delivery.OwnerId,
            Beat = 1,
            Process = $"{Environment.MachineName}/{Environment.ProcessId}",
            StartedAt = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Owners holding rows or registered, as seen now; returns those taken for dead (<see cref="OwnerSightings"/>).</summary>
    private async Task<List<(Guid Owner, long? Beat)>> ObserveAsync(CancellationToken cancellationToken)
    {
        await using var db = dbContexts.CreateForOutbox();
        var beats = await db.Set<OutboxOwner>().AsNoTracking().Select(o => new { o.OwnerId, o.Beat })
            .ToDictionaryAsync(o => o.OwnerId, o => (long?)o.Beat, cancellationToken).ConfigureAwait(false);
        var holders = await db.Set<OutboxMessage>().Select(m => m.OwnerId).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var holder in holders)
            beats.TryAdd(holder, null);
        beats.Remove(delivery.OwnerId);
        if (_databaseWasAway)
            _sightings.Reset();
        _databaseWasAway = false;
        return _sightings.Observe(beats, clock.GetTimestamp());
    }

    /// <summary>Delivers a dead owner's rows, oldest first, in locked batches; then forgets the owner.</summary>
    private async Task TakeOverAsync(Guid owner, long? beat, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var db = dbContexts.CreateForOutbox();
            // Read committed where rows are locked: under MySQL's default repeatable read, the locking read below also
            // locks the gaps of the (owner_id, created_at) index beside the dead owner's rows, where the live owners' saga
            // steps insert theirs, a likely party to the deadlocks this take-over kept losing (measured: a dead
            // orchestrator's rows waited 25 s behind a replacement with a backlog; with read committed, one poll in 11 kills
            // still lost a deadlock, and was retried a second later). SKIP LOCKED still keeps two survivors off the same row.
            await using var transaction = db.LocksRowsForUpdate
                ? await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false)
                : await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var rows = db.LocksRowsForUpdate
                ? await db.Set<OutboxMessage>().FromSqlInterpolated(
                        $"SELECT * FROM outbox_messages WHERE owner_id = {owner} ORDER BY created_at LIMIT {TakeOverBatch} FOR UPDATE SKIP LOCKED")
                    .AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false)
                : await db.Set<OutboxMessage>().Where(m => m.OwnerId == owner).OrderBy(m => m.CreatedAt).Take(TakeOverBatch)
                    .AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                // Forgotten only at the beat it was taken for dead at: an owner that was only slow and beats again stays.
                await db.Set<OutboxOwner>().Where(o => o.OwnerId == owner && o.Beat == beat)
                    .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                break;
            }

            if (total == 0)
                logger.LogWarning("Outbox owner {Owner} taken for dead (beat {Beat}); delivering its undelivered messages", owner, beat);
            // All or nothing per batch: a send that fails rolls the batch back (its rows stay for the next poll).
            await Task.WhenAll(rows.Select(row => delivery.SendStoredAsync(row, cancellationToken))).ConfigureAwait(false);
            var ids = rows.ConvertAll(row => row.MessageId);
            await db.Set<OutboxMessage>().Where(m => EF.Constant(ids).Contains(m.MessageId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            total += rows.Count;
            OutboxMetrics.RecoveredFromDeadOwner(rows.Count);
        }

        if (total > 0)
            logger.LogWarning("Outbox delivered {Count} message(s) of dead owner {Owner}", total, owner);
        _sightings.Forget(owner);
    }

    /// <summary>Sends the messages of failed steps whose rows exist, that is, whose transaction committed after all.</summary>
    private async Task DeliverCommittedOfFailedStepsAsync(CancellationToken cancellationToken)
    {
        var unsure = delivery.TakeUnsure();
        if (unsure.Count == 0)
            return;
        try
        {
            var ids = unsure.ConvertAll(message => message.Row.MessageId);
            await using var db = dbContexts.CreateForOutbox();
            var stored = (await db.Set<OutboxMessage>().Where(m => EF.Constant(ids).Contains(m.MessageId)).Select(m => m.MessageId)
                .ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet();
            var committed = unsure.Where(message => stored.Contains(message.Row.MessageId)).ToList();
            if (committed.Count > 0)
                logger.LogWarning("Outbox: {Count} message(s) of a step that failed after its commit; sending them", committed.Count);
            await delivery.DeliverCommittedAsync(committed, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            delivery.ReturnUnsure(unsure);
            throw;
        }
    }

    /// <summary>Deletes delivered rows, many per statement; on failure they are kept for the next flush.</summary>
    private async Task FlushDeletesAsync(CancellationToken cancellationToken, int batches = int.MaxValue)
    {
        for (var batch = 0; batch < batches && delivery.HasDelivered; batch++)
        {
            var ids = delivery.TakeDelivered(DeleteBatch);
            try
            {
                await using var db = dbContexts.CreateForOutbox();
                await db.Set<OutboxMessage>().Where(m => EF.Constant(ids).Contains(m.MessageId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                delivery.ReturnDelivered(ids);
                throw;
            }
        }
    }

}
