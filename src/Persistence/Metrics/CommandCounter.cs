using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SagaWorkflow.Persistence.Metrics;

/// <summary>
/// Counts each command EF Core is about to execute, whatever its kind (reader, non-query, scalar), its origin (LINQ,
/// SaveChanges, <c>FromSql</c>, <c>SqlQuery</c>, <c>ExecuteSql</c>) and its fate: a command that then fails was still
/// sent. Counted before execution, so one that throws is not missed.
/// </summary>
internal sealed class CommandCounter : DbCommandInterceptor
{
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        DatabaseMetrics.CommandSent();
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        DatabaseMetrics.CommandSent();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        DatabaseMetrics.CommandSent();
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        DatabaseMetrics.CommandSent();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        DatabaseMetrics.CommandSent();
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        DatabaseMetrics.CommandSent();
        return ValueTask.FromResult(result);
    }
}
