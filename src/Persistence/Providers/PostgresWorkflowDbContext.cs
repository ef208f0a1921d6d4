using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace SagaWorkflow.Persistence;

/// <summary>A distributed-mode database: PostgreSQL through Npgsql. Everything PostgreSQL-specific lives here.</summary>
public sealed class PostgresWorkflowDbContext(DbContextOptions<PostgresWorkflowDbContext> options) : WorkflowDbContext(options)
{
    private const int AutoPreparedStatements = 64;

    public static DbContextOptions<PostgresWorkflowDbContext> Options(string connectionString) =>
        new DbContextOptionsBuilder<PostgresWorkflowDbContext>()
            .UseNpgsql(WithAutoPrepare(connectionString))
            .Options;

    /// <summary>
    /// Turns on Npgsql's automatic preparation unless the connection string sets it (<c>Max Auto Prepare=0</c> turns it
    /// off): every saga message runs the same few statements, and preparing them spares PostgreSQL parsing and
    /// planning each one again. Measured (docs/benchmarks.md): about 40 % less PostgreSQL CPU per workflow.
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
            return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = AutoPreparedStatements }.ConnectionString;
    }

    /// <summary>A transaction-scoped advisory lock: released by the commit or rollback itself.</summary>
    protected internal override async Task<IAsyncDisposable> LockNameAsync(string name, CancellationToken cancellationToken)
    {
        await Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({name}, 0))", cancellationToken)
            .ConfigureAwait(false);
        return NoLock.Instance;
    }
}
