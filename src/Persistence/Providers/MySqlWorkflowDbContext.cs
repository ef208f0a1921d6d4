using Microsoft.EntityFrameworkCore;
using MySqlConnector;
using SagaWorkflow.Persistence.Metrics;

namespace SagaWorkflow.Persistence;

/// <summary>
/// A distributed-mode database, the one the design names: MySQL (or MariaDB) through Pomelo and MySqlConnector.
/// Everything MySQL-specific lives here. Tables are InnoDB in <c>utf8mb4</c> with the binary collation, so node ids,
/// definition names and states compare case- and accent-sensitively, as they do on PostgreSQL and SQLite (MySQL's
/// default collations would make nodes <c>a</c> and <c>A</c> one key).
/// </summary>
public sealed class MySqlWorkflowDbContext(DbContextOptions<MySqlWorkflowDbContext> options) : WorkflowDbContext(options)
{
    public const string CharSet = "utf8mb4";
    public const string Collation = "utf8mb4_bin";

    // GET_LOCK waits at most this long; a definitions PUT holds its lock for a few milliseconds.
    private const int NameLockSeconds = 30;

    /// <summary>
    /// Options for <paramref name="connectionString"/>; <paramref name="serverVersion"/> as <c>Database:ServerVersion</c>
    /// gives it, or empty to ask the server (one connection, made here).
    /// </summary>
    public static DbContextOptions<MySqlWorkflowDbContext> Options(string connectionString, string? serverVersion) =>
        new DbContextOptionsBuilder<MySqlWorkflowDbContext>()
            .UseMySql(connectionString, ServerVersionOf(connectionString, serverVersion))
            .AddInterceptors(DatabaseMetrics.Interceptors)
            .Options;

    public static ServerVersion ServerVersionOf(string connectionString, string? serverVersion) =>
        string.IsNullOrWhiteSpace(serverVersion)
            ? Microsoft.EntityFrameworkCore.ServerVersion.AutoDetect(connectionString)
            : Microsoft.EntityFrameworkCore.ServerVersion.Parse(serverVersion);

    /// <summary><paramref name="connectionString"/> with its pool capped at <paramref name="size"/> connections.</summary>
    internal static string WithPoolSize(string connectionString, int size) =>
        new MySqlConnectionStringBuilder(connectionString) { MaximumPoolSize = (uint)size }.ConnectionString;

    /// <summary>Server, database and user of a connection string (never the password), for messages.</summary>
    internal static string Describe(string connectionString)
    {
        var given = new MySqlConnectionStringBuilder(connectionString);
        return $"MySql server {given.Server}:{given.Port}, database '{given.Database}', user '{given.UserID}'";
    }

    /// <summary>What keeps MySqlConnector from using <paramref name="connectionString"/>, or null.</summary>
    internal static string? ConnectionStringProblem(string connectionString)
    {
        var given = new MySqlConnectionStringBuilder(connectionString); // throws on an unknown keyword or a bad value
        return given.Server.Length == 0 ? "it names no Server" : given.Database.Length == 0 ? "it names no Database" : null;
    }

    /// <summary>The server answered and refused for good: bad credentials, no such database.</summary>
    internal static bool Refused(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.AccessDenied or MySqlErrorCode.UnknownDatabase or MySqlErrorCode.DatabaseAccessDenied };

    /// <summary>
    /// The server is away: unreachable, shutting down, out of connections, the session killed, the account locked (an
    /// operator's maintenance: 3118 on MySQL, 4151 on MariaDB), or the driver refusing a connection the server dropped.
    /// </summary>
    internal static bool Away(Exception exception) => exception switch
    {
        MySqlException e => e.IsTransient || e.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.ConnectionCountError
            or MySqlErrorCode.ServerShutdown or MySqlErrorCode.QueryInterrupted or (MySqlErrorCode)3118 or (MySqlErrorCode)4151,
        InvalidOperationException { Source: "MySqlConnector" } => true,
        _ => false,
    };

    /// <summary>A deadlock victim (1213) or a lock wait timeout (1205).</summary>
    internal static bool Conflict(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.HasCharSet(CharSet).UseCollation(Collation);
    }

    /// <summary>
    /// <c>GET_LOCK</c> is MySQL's advisory lock. It belongs to the session, not the transaction, so it is released by
    /// disposing the returned handle, on the same connection (EF keeps it open while the transaction lives). Lock names
    /// are at most 64 characters: the name is hashed.
    /// </summary>
    protected internal override async Task<IAsyncDisposable> LockNameAsync(string name, CancellationToken cancellationToken)
    {
        var lockName = "sagaworkflow/" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..40];
        var granted = await Database.SqlQuery<long?>($"SELECT GET_LOCK({lockName}, {NameLockSeconds}) AS `Value`")
            .SingleAsync(cancellationToken).ConfigureAwait(false);
        if (granted != 1)
            throw new TimeoutException($"MySQL lock '{lockName}' for '{name}' was not granted within {NameLockSeconds} s");
        return new SessionLock(this, lockName);
    }

    private sealed class SessionLock(MySqlWorkflowDbContext db, string lockName) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await db.Database.ExecuteSqlInterpolatedAsync($"SELECT RELEASE_LOCK({lockName})").ConfigureAwait(false);
            }
            catch (MySqlException)
            {
                // A broken connection has taken the lock with it: the server releases session locks when a session ends.
            }
        }
    }
}
