using System.Data.Common;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace SagaWorkflow.Persistence;

/// <summary>What a failure to reach the database means for a starting process: wait for it, or give up at once.</summary>
public static class DatabaseFailures
{
    /// <summary>Whether waiting cannot help: the server answered and refused (credentials, unknown database).</summary>
    public static bool IsPermanent(Exception exception) => exception switch
    {
        MySqlException { ErrorCode: MySqlErrorCode.AccessDenied or MySqlErrorCode.UnknownDatabase or MySqlErrorCode.DatabaseAccessDenied } => true,
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification
            or PostgresErrorCodes.InvalidCatalogName } => true,
        SqliteException => true,
        _ => exception.InnerException is { } inner && IsPermanent(inner),
    };

    /// <summary>
    /// Whether <paramref name="exception"/> is the database being away (down, restarting, refusing connections, a
    /// connection dropped under a statement) rather than a conflict or a bug: worth waiting for, at any point in a
    /// process's life. Looks through wrappers (EF, Quartz) to the driver's exception.
    /// </summary>
    public static bool IsOutage(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case MySqlException mysql when mysql.IsTransient || mysql.ErrorCode is MySqlErrorCode.UnableToConnectToHost
                    or MySqlErrorCode.ConnectionCountError or MySqlErrorCode.ServerShutdown or MySqlErrorCode.QueryInterrupted
                    or (MySqlErrorCode)3118 or (MySqlErrorCode)4151: // account locked (MySQL, MariaDB): an operator's maintenance
                case PostgresException postgres when postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                    || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                        or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.ObjectNotInPrerequisiteState:
                case NpgsqlException { IsTransient: true } and not PostgresException:
                case IOException or System.Net.Sockets.SocketException:
                // The driver refusing a connection the server dropped ("Connection is not open"), met when a transaction
                // is rolled back or reused after its connection broke.
                case InvalidOperationException { Source: "Npgsql" or "MySqlConnector" }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="exception"/> is the database failing (as opposed to a bug of ours).</summary>
    public static bool IsDatabaseFailure(Exception exception) =>
        exception is DbException or TimeoutException || (exception.InnerException is { } inner && IsDatabaseFailure(inner));

    /// <summary>Server and database of a connection string, without the password, for messages.</summary>
    public static string Where(PersistenceOptions options)
    {
        try
        {
            return options.Provider switch
            {
                DatabaseProvider.MySql => new MySqlConnectionStringBuilder(options.ConnectionString) is var m
                    ? $"MySql server {m.Server}:{m.Port}, database '{m.Database}', user '{m.UserID}'" : "",
                DatabaseProvider.Postgres => new NpgsqlConnectionStringBuilder(options.ConnectionString) is var p
                    ? $"Postgres server {p.Host}:{p.Port}, database '{p.Database}', user '{p.Username}'" : "",
                _ => $"Sqlite file '{new SqliteConnectionStringBuilder(options.ConnectionString).DataSource}'",
            };
        }
        catch (ArgumentException)
        {
            return $"{options.Provider} database";
        }
    }

    /// <summary>The innermost message, which names the cause (refused, access denied, unknown host).</summary>
    public static string Reason(Exception exception)
    {
        var reason = exception.Message;
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
            if (e is DbException or System.Net.Sockets.SocketException)
                reason = e.Message;
        return reason;
    }
}
