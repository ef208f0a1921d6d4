using System.Data.Common;

namespace SagaWorkflow.Persistence;

/// <summary>
/// Keeps one process within <see cref="PersistenceOptions.MaxConnections"/> database connections: the workflow pool
/// (sagas, API, sweepers) and the scheduler's pool (Quartz) each get a connection string with their share as the
/// driver's <c>Maximum Pool Size</c>, so each driver keeps them apart and waits for a free connection at the cap. Without
/// it an orchestrator at full load held about 90 connections and an operator's <c>psql</c> was refused.
/// </summary>
public static class ConnectionBudget
{
    public const int Fewest = 4;
    public const int Most = 1000;

    /// <summary>The connection string of the workflow pool.</summary>
    public static string ForWorkflows(PersistenceOptions options) => WithPoolSize(options, options.WorkflowConnections);

    /// <summary>The connection string of the outbox loop's pool.</summary>
    public static string ForOutbox(PersistenceOptions options) => WithPoolSize(options, options.OutboxConnections);

    /// <summary>The connection string of the scheduler's pool.</summary>
    public static string ForScheduler(PersistenceOptions options) => WithPoolSize(options, options.SchedulerConnections);

    /// <summary>What is wrong with the budget settings, or null.</summary>
    public static string? Problem(PersistenceOptions options)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
            return null;
        if (options.MaxConnections is < Fewest or > Most)
            return $"{PersistenceOptions.Section}:MaxConnections must be {Fewest}-{Most}, not {options.MaxConnections}";
        // Two places for one limit would disagree sooner or later; the setting splits it between the pools.
        return SetsPoolSize(options.ConnectionString)
            ? $"{PersistenceOptions.Section}:ConnectionString sets a maximum pool size; set {PersistenceOptions.Section}:MaxConnections instead "
                + "(the process splits it between its workflow and scheduler pools)"
            : null;
    }

    private static string WithPoolSize(PersistenceOptions options, int size) => options.Provider switch
    {
        DatabaseProvider.MySql => MySqlWorkflowDbContext.WithPoolSize(options.ConnectionString, size),
        DatabaseProvider.Postgres => PostgresWorkflowDbContext.WithPoolSize(options.ConnectionString, size),
        _ => options.ConnectionString,
    };

    private static bool SetsPoolSize(string connectionString)
    {
        try
        {
            var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
            return given.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
                .Any(k => k is "maximumpoolsize" or "maxpoolsize");
        }
        catch (ArgumentException)
        {
            return false; // the connection string check reports what is wrong with it
        }
    }
}
