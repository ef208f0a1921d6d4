using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence.Sagas;

namespace SagaWorkflow.Persistence.Executors;

/// <summary>Loads an executor row, locked on MySQL and PostgreSQL so heartbeats and timeouts handled by two orchestrators queue up.</summary>
public sealed class ExecutorRowLoader : ISagaRowLoader<ExecutorState>
{
    public async Task<ExecutorState?> LoadAsync(WorkflowDbContext db, Guid correlationId, CancellationToken cancellationToken) =>
        db.LocksRowsForUpdate
            ? (await db.Executors.FromSqlInterpolated($"SELECT * FROM executors WHERE correlation_id = {correlationId} FOR UPDATE")
                .ToListAsync(cancellationToken).ConfigureAwait(false)).SingleOrDefault()
            : await db.Executors.SingleOrDefaultAsync(x => x.CorrelationId == correlationId, cancellationToken).ConfigureAwait(false);
}
