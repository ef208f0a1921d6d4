using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SagaWorkflow.Persistence.Metrics;

namespace SagaWorkflow.Persistence;

/// <summary>A distributed-mode database: PostgreSQL through Npgsql. Everything PostgreSQL-specific lives here.</summary>
public sealed class PostgresWorkflowDbContext(DbContextOptions<PostgresWorkflowDbContext> options) : WorkflowDbContext(options)
{
    private const int AutoPreparedStatements = 64;

    public static DbContextOptions<PostgresWorkflowDbContext> Options(string connectionString) =>
        new DbContextOptionsBuilder<PostgresWorkflowDbContext>()
            .UseNpgsql(WithAutoPrepare(connectionString))
            .AddInterceptors(DatabaseMetrics.Interceptors)
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

    /// <summary><paramref name="connectionString"/> with its pool capped at <paramref name="size"/> connections.</summary>
    internal static string WithPoolSize(string connectionString, int size) =>
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = size }.ConnectionString;

    /// <summary>Server, database and user of a connection string (never the password), for messages.</summary>
    internal static string Describe(string connectionString)
    {
        var given = new NpgsqlConnectionStringBuilder(connectionString);
        return $"Postgres server {given.Host}:{given.Port}, database '{given.Database}', user '{given.Username}'";
    }

    /// <summary>What keeps Npgsql from using <paramref name="connectionString"/>, or null.</summary>
    internal static string? ConnectionStringProblem(string connectionString) =>
        string.IsNullOrEmpty(new NpgsqlConnectionStringBuilder(connectionString).Host) ? "it names no Host" : null;

    /// <summary>The server answered and refused for good: bad credentials, no such database.</summary>
    internal static bool Refused(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification
            or PostgresErrorCodes.InvalidCatalogName };

    /// <summary>
    /// The server is away: connection errors (08xxx), shutting down or starting (57P0x), out of connections, the
    /// database closed to connections, a transient driver error, or the driver refusing a connection the server dropped.
    /// </summary>
    /// <summary>A deadlock victim, a serialization failure, or a lock not available.</summary>
    internal static bool Conflict(Exception exception) => exception is PostgresException
    {
        SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable,
    };

    internal static bool Away(Exception exception) => exception switch
    {
        PostgresException e => e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.SqlState is PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
            or PostgresErrorCodes.ObjectNotInPrerequisiteState,
        NpgsqlException e => e.IsTransient,
        InvalidOperationException { Source: "Npgsql" } => true,
        _ => false,
    };

    /// <summary>A transaction-scoped advisory lock: released by the commit or rollback itself.</summary>
    protected internal override async Task<IAsyncDisposable> LockNameAsync(string name, CancellationToken cancellationToken)
    {
        await Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({name}, 0))", cancellationToken)
            .ConfigureAwait(false);
        return NoLock.Instance;
    }
}
