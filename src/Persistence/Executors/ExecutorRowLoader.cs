using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence.Sagas;

namespace SagaWorkflow.Persistence.Executors;

/// <summary>Loads an executor row, locked on PostgreSQL so heartbeats and timeouts handled by two orchestrators queue up.</summary>
public sealed class ExecutorRowLoader : ISagaRowLoader<ExecutorState>
{
    public async Task<ExecutorState?> LoadAsync(WorkflowDbContext db, DatabaseProvider provider, Guid correlationId, CancellationToken cancellationToken) =>
        provider == DatabaseProvider.Postgres
            ? (await db.Executors.FromSqlInterpolated($"SELECT * FROM executors WHERE correlation_id = {correlationId} FOR UPDATE")
                .ToListAsync(cancellationToken).ConfigureAwait(false)).SingleOrDefault()
            : await db.Executors.SingleOrDefaultAsync(x => x.CorrelationId == correlationId, cancellationToken).ConfigureAwait(false);
}
