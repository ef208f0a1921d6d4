using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SagaWorkflow.Persistence;

// What `dotnet ef migrations add --context <X>WorkflowDbContext` builds the model from (docs/operations.md). No
// connection is opened: migrations are generated from the model alone, so the MySQL version is named, not detected.
// The same factories serve the test that fails when the model has changes no migration covers.

/// <summary>Design-time SQLite context (migrations in Migrations/Sqlite).</summary>
public sealed class SqliteDesignTimeContext : IDesignTimeDbContextFactory<SqliteWorkflowDbContext>
{
    public SqliteWorkflowDbContext CreateDbContext(string[] args) => new(SqliteWorkflowDbContext.Options("Data Source=design-time.db"));
}

/// <summary>Design-time PostgreSQL context (migrations in Migrations/Postgres).</summary>
public sealed class PostgresDesignTimeContext : IDesignTimeDbContextFactory<PostgresWorkflowDbContext>
{
    public PostgresWorkflowDbContext CreateDbContext(string[] args) => new(PostgresWorkflowDbContext.Options("Host=127.0.0.1;Database=design_time"));
}

/// <summary>Design-time MySQL context (migrations in Migrations/MySql).</summary>
public sealed class MySqlDesignTimeContext : IDesignTimeDbContextFactory<MySqlWorkflowDbContext>
{
    /// <summary>The version migrations are generated for; the model does not depend on it beyond MySQL 8.0 / MariaDB 10.6.</summary>
    public const string ServerVersion = "8.0.36-mysql";

    public MySqlWorkflowDbContext CreateDbContext(string[] args) =>
        new(MySqlWorkflowDbContext.Options("Server=127.0.0.1;Database=design_time", ServerVersion));
}
