using System.Data.Common;

namespace SagaWorkflow.Persistence;

/// <summary>
/// What a database failure means: wait for the database, or give up at once. Each provider's context says how its
/// driver reports those (<c>Refused</c>, <c>Away</c>); this looks through wrappers (EF, Quartz) to the driver's exception.
/// </summary>
public static class DatabaseFailures
{
    /// <summary>Whether waiting cannot help: the server answered and refused (credentials, unknown database).</summary>
    public static bool IsPermanent(Exception exception) => Any(exception, e =>
        MySqlWorkflowDbContext.Refused(e) || PostgresWorkflowDbContext.Refused(e) || SqliteWorkflowDbContext.Refused(e));

    /// <summary>
    /// Whether <paramref name="exception"/> is the database being away (down, restarting, refusing connections, a
    /// connection dropped under a statement) rather than a conflict or a bug: worth waiting for, at any point in a
    /// process's life.
    /// </summary>
    public static bool IsOutage(Exception exception) => Any(exception, e =>
        MySqlWorkflowDbContext.Away(e) || PostgresWorkflowDbContext.Away(e) || e is IOException or System.Net.Sockets.SocketException);

    /// <summary>
    /// Whether <paramref name="exception"/> is a conflict between transactions (a deadlock victim, a lock waited for too
    /// long): the database answered, so it is no outage, even where a driver calls it transient.
    /// </summary>
    public static bool IsConflict(Exception exception) => Any(exception, e =>
        MySqlWorkflowDbContext.Conflict(e) || PostgresWorkflowDbContext.Conflict(e));

    /// <summary>Whether <paramref name="exception"/> is the database failing (as opposed to a bug of ours).</summary>
    public static bool IsDatabaseFailure(Exception exception) => Any(exception, e => e is DbException or TimeoutException);

    /// <summary>Server and database of a connection string, without the password, for messages.</summary>
    public static string Where(PersistenceOptions options)
    {
        try
        {
            return options.Provider switch
            {
                DatabaseProvider.MySql => MySqlWorkflowDbContext.Describe(options.ConnectionString),
                DatabaseProvider.Postgres => PostgresWorkflowDbContext.Describe(options.ConnectionString),
                _ => SqliteWorkflowDbContext.Describe(options.ConnectionString),
            };
        }
        catch (ArgumentException)
        {
            return $"{options.Provider} database";
        }
    }

    /// <summary>
    /// The innermost driver or socket message, which names the cause (refused, access denied, unknown host), with the
    /// password of <paramref name="connectionString"/> masked should the driver have quoted it.
    /// </summary>
    public static string Reason(Exception exception, string? connectionString)
    {
        var reason = exception.Message;
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
            if (e is DbException or System.Net.Sockets.SocketException)
                reason = e.Message;
        return ConnectionStringSecrets.Redact(reason, connectionString);
    }

    private static bool Any(Exception exception, Func<Exception, bool> test)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (test(e))
                return true;
        return false;
    }
}
