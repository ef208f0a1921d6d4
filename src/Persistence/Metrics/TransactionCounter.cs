using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SagaWorkflow.Persistence.Metrics;

/// <summary>
/// Counts transactions begun, committed and explicitly rolled back, and savepoints created. A savepoint is not a
/// transaction: the saga repository's batches take one per extra message and still commit once, and only that commit
/// counts. EF Core reports no event for a transaction disposed without a commit or rollback (the ADO.NET driver rolls
/// it back), so such a transaction shows only as begun and never ended.
/// </summary>
internal sealed class TransactionCounter : DbTransactionInterceptor
{
    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        DatabaseMetrics.TransactionStarted();
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
        CancellationToken cancellationToken = default)
    {
        DatabaseMetrics.TransactionStarted();
        return ValueTask.FromResult(result);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => DatabaseMetrics.TransactionCommitted();

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        DatabaseMetrics.TransactionCommitted();
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => DatabaseMetrics.TransactionRolledBack();

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        DatabaseMetrics.TransactionRolledBack();
        return Task.CompletedTask;
    }

    public override void CreatedSavepoint(DbTransaction transaction, TransactionEventData eventData) => DatabaseMetrics.SavepointCreated();

    public override Task CreatedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        DatabaseMetrics.SavepointCreated();
        return Task.CompletedTask;
    }
}
