using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence.Outbox;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// Saves that members of a <see cref="SagaBatch{TSaga}"/> left to the end of the transaction. A fan-in of 200 results
/// written one member at a time costs a savepoint and a save each (two round trips, an EF save and a scan of the saga's
/// node rows each); written together it is one save, whose statements EF sends in a few batched commands. The price:
/// a member that fails while saves are pending cannot be rolled back alone (nothing marks where it began), so the
/// transaction is given up and the members applied so far are tried again by their retry policies
/// (<see cref="SagaBatchAbandonedException"/>); a retried member saves at once, behind its own savepoint, as before.
/// </summary>
public sealed class SagaSaves
{
    private readonly List<OutboxMessage> _outboxRows = [];

    /// <summary>True once a member has left a save here: its changes are in the tracked instance, not yet in the database.</summary>
    public bool Pending { get; private set; }

    /// <summary>A member's save, left for <see cref="WriteAsync"/>; its outbox rows are already added to the context.</summary>
    public void Defer(IReadOnlyList<OutboxMessage> outboxRows)
    {
        _outboxRows.AddRange(outboxRows);
        Pending = true;
    }

    /// <summary>Writes every pending save in one <c>SaveChanges</c>: the saga's changed rows, its own rows, the outbox rows.</summary>
    public async Task WriteAsync(WorkflowDbContext db, object? saga, CancellationToken cancellationToken)
    {
        if (!Pending)
            return;
        await SagaSave.WriteAsync(db, saga, cancellationToken).ConfigureAwait(false);
        OutboxRows.Detach(db, _outboxRows);
        Forget();
    }

    /// <summary>Drops what is pending (the transaction they belonged to is rolled back).</summary>
    public void Forget()
    {
        _outboxRows.Clear();
        Pending = false;
    }
}

/// <summary>
/// A batch member that was applied, but whose transaction was given up because a later member failed while saves were
/// pending (<see cref="SagaSaves"/>). Nothing of it was stored; its retry applies it again (and saves at once).
/// </summary>
public sealed class SagaBatchAbandonedException(Exception cause)
    : Exception($"applied in a saga batch that was rolled back because another message in it failed: {cause.Message}", cause);

/// <summary>One save of a saga's tracked rows, as every save of the repository writes them.</summary>
internal static class SagaSave
{
    public static async Task WriteAsync(WorkflowDbContext db, object? saga, CancellationToken cancellationToken)
    {
        if (saga is not ISagaWithOwnRows own)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        // The saga tells EF which rows changed; EF's own scan would compare every tracked row (all of a run's nodes).
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await own.PrepareSaveAsync(db, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await own.WriteAfterSaveAsync(db, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = true;
        }

        own.Saved();
    }
}
