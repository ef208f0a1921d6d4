using Microsoft.EntityFrameworkCore;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// A saga whose changes include rows of other tables (a workflow's <c>node_attempts</c>) and that knows which of its
/// tracked rows changed: just before the repository saves it, it hands its other rows to the DbContext (so they commit
/// or roll back with it and pass its version check) and has EF compare only the rows it changed, so the save skips
/// EF's scan of every tracked row (<see cref="Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker.AutoDetectChangesEnabled"/> is off for that save).
/// </summary>
public interface ISagaWithOwnRows
{
    /// <summary>
    /// Adds the other tables' rows and detects the changes of its own changed rows; it may write some rows itself first
    /// (in the save's transaction).
    /// </summary>
    Task PrepareSaveAsync(DbContext db, CancellationToken cancellationToken);

    /// <summary>
    /// Right after the save, in its transaction: writes that depend on what is stored and so cannot ride in the save's
    /// batch (a guarded UPDATE of a row the saga never read).
    /// </summary>
    Task WriteAfterSaveAsync(DbContext db, CancellationToken cancellationToken);

    /// <summary>The save committed to the transaction: nothing is unsaved any more.</summary>
    void Saved();

    /// <summary>
    /// Whether reading it again costs enough that the repository should keep it loaded between transactions
    /// (<see cref="WarmSagaContexts{TSaga}"/>).
    /// </summary>
    bool WorthKeepingLoaded { get; }
}
