using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence.Metrics;

namespace SagaWorkflow.Persistence;

/// <summary>
/// The local-mode database: a SQLite file. Everything SQLite-specific lives here (and in <see cref="SqlitePragmas"/>).
/// SQLite has one writer at a time, so saga rows need no row lock and writers of one name are already serialised.
/// </summary>
public sealed class SqliteWorkflowDbContext(DbContextOptions<SqliteWorkflowDbContext> options) : WorkflowDbContext(options)
{
    protected internal override bool LocksRowsForUpdate => false;

    public static DbContextOptions<SqliteWorkflowDbContext> Options(string connectionString) =>
        new DbContextOptionsBuilder<SqliteWorkflowDbContext>()
            .UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmas())
            .AddInterceptors(DatabaseMetrics.Interceptors)
            .Options;

    /// <summary>The file of a connection string, for messages.</summary>
    internal static string Describe(string connectionString) => $"Sqlite file '{new SqliteConnectionStringBuilder(connectionString).DataSource}'";

    /// <summary>What keeps Microsoft.Data.Sqlite from using <paramref name="connectionString"/>, or null.</summary>
    internal static string? ConnectionStringProblem(string connectionString) =>
        new SqliteConnectionStringBuilder(connectionString).DataSource.Length == 0 ? "it names no Data Source" : null;

    /// <summary>A file that cannot be opened or written does not mend itself by waiting.</summary>
    internal static bool Refused(Exception exception) => exception is SqliteException;

    /// <summary>The SQLite file path of a connection string, so its directory can be created before first use.</summary>
    public static string? FilePath(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" ? null : Path.GetFullPath(source);
    }
}
