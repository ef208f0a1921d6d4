using MassTransit;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence.Outbox;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// The saga repository's side of the transactional outbox: the rows a step's messages became are added to the step's
/// save, and let go of once saved (a warm context must not keep them, nor scan them on the next save).
/// </summary>
internal static class OutboxRows
{
    /// <summary>Adds the outbox rows <paramref name="context"/> captured since the last save to <paramref name="db"/>.</summary>
    public static IReadOnlyList<OutboxMessage> StageInto(PipeContext context, WorkflowDbContext db) =>
        context.TryGetPayload<TransactionalOutboxContext>(out var outbox) ? outbox.StageInto(db) : [];

    public static void Detach(WorkflowDbContext db, IReadOnlyList<OutboxMessage> rows)
    {
        foreach (var row in rows)
            db.Entry(row).State = EntityState.Detached;
    }

    /// <summary>
    /// Before the commit: saves what applied messages sent without a saga save of their own (a step that only sends), so
    /// it too is in the transaction.
    /// </summary>
    public static async Task SaveLeftoversAsync(IEnumerable<PipeContext> contexts, WorkflowDbContext db, CancellationToken cancellationToken)
    {
        var rows = contexts.SelectMany(context => StageInto(context, db)).ToList();
        if (rows.Count == 0)
            return;
        var detects = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detects;
        }

        Detach(db, rows);
    }
}
