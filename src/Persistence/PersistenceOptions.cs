namespace SagaWorkflow.Persistence;

/// <summary>Which database holds saga state (section <c>Database</c>; env <c>Database__Provider=MySql</c>).</summary>
public sealed class PersistenceOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// SQLite: a file path connection string; MySQL: a MySqlConnector connection string; PostgreSQL: an Npgsql connection
    /// string.
    /// </summary>
    public string ConnectionString { get; set; } = "Data Source=data/sagaworkflow.db";

    /// <summary>
    /// MySQL only: the server's version, such as <c>8.4.3-mysql</c> or <c>10.11.19-mariadb</c>. Empty: asked of the server
    /// on first use. Setting it spares that round trip and lets a process start its host while the server is still down.
    /// </summary>
    public string? ServerVersion { get; set; }

    /// <summary>
    /// How long a starting process waits for an unreachable database (down, still starting, name not yet resolvable)
    /// before it gives up with an error naming <c>Database:ConnectionString</c>. Refused credentials and a missing
    /// database fail at once: waiting cannot mend them.
    /// </summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// MySQL and PostgreSQL: the most connections one process opens to the database, all pools together. A quarter (at
    /// least 2) goes to the scheduler (Quartz), 2 (1 below 8) to the outbox loop, the rest to the sagas, the API and the
    /// sweepers; work beyond that waits
    /// for a free connection instead of opening another. Size the server for it: orchestrators x MaxConnections, plus
    /// what operators and other clients need (docs/operations.md, "Connection budget").
    /// </summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;

    public const int DefaultMaxConnections = 20;

    /// <summary>The scheduler's share of <see cref="MaxConnections"/>.</summary>
    public int SchedulerConnections => Math.Max(2, MaxConnections / 4);

    /// <summary>
    /// The outbox loop's share of <see cref="MaxConnections"/>: its own pool, so its beat and the delivery of a dead
    /// orchestrator's messages never queue behind a saga backlog for a connection (a late beat looks like a death).
    /// </summary>
    public int OutboxConnections => MaxConnections >= 8 ? 2 : 1;

    /// <summary>The sagas', API's and sweepers' share of <see cref="MaxConnections"/>.</summary>
    public int WorkflowConnections => MaxConnections - SchedulerConnections - OutboxConnections;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    MySql,
}
