using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

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
            .Options;

    /// <summary>The SQLite file path of a connection string, so its directory can be created before first use.</summary>
    public static string? FilePath(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" ? null : Path.GetFullPath(source);
    }
}
