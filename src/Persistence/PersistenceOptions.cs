namespace SagaWorkflow.Persistence;

/// <summary>Which database holds saga state (section <c>Database</c>; env <c>Database__Provider=Postgres</c>).</summary>
public sealed class PersistenceOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>SQLite: a file path connection string; PostgreSQL: an Npgsql connection string.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/sagaworkflow.db";
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
