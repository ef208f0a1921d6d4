using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Tests.Persistence;

public sealed class When_saga_state_is_stored_in_sqlite : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sagaworkflow-db-").FullName;
    private WorkflowDbContextFactory _factory = null!;

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "nested", "state.db")};Pooling=False";

    public async Task InitializeAsync()
    {
        var options = Options.Create(new PersistenceOptions { ConnectionString = ConnectionString });
        _factory = new WorkflowDbContextFactory(options);
        await new DatabaseMigrator(_factory, options, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private static WorkflowState Workflow() => new()
    {
        CorrelationId = Guid.NewGuid(), CurrentState = "Running", DefinitionName = "w", DefinitionVersion = 1, DefinitionJson = "{}",
        CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow, Version = 1,
        Nodes = [Workflows.TestNodes.In("b", NodeStatus.Running), Workflows.TestNodes.In("a")],
    };

    private List<string> Scalars(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
            values.Add(reader.GetString(0));
        return values;
    }

    [Fact]
    public void Migrations_create_both_tables_with_snake_case_columns_and_indexes()
    {
        var instanceColumns = Scalars("SELECT name FROM pragma_table_info('workflow_instances')");
        var nodeColumns = Scalars("SELECT name FROM pragma_table_info('workflow_nodes')");
        var indexes = Scalars("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%'");

        Assert.Contains("correlation_id", instanceColumns);
        Assert.Contains("current_state", instanceColumns);
        Assert.Contains("version", instanceColumns);
        Assert.Contains("last_heartbeat_at", nodeColumns);
        Assert.All(instanceColumns.Concat(nodeColumns), c => Assert.Equal(c.ToLowerInvariant(), c));
        Assert.Contains("ix_workflow_instances_current_state_created_at", indexes);
        Assert.Contains("ix_workflow_nodes_executor_id", indexes);
    }

    [Fact]
    public async Task The_model_matches_the_migrated_schema_column_for_column()
    {
        await using var db = _factory.Create();
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var columns = Scalars($"SELECT name FROM pragma_table_info('{table}')");
            var mapped = entity.GetProperties().Select(p => p.GetColumnName()).ToList();
            Assert.Equal(mapped.Order(), columns.Order());
        }
    }

    [Fact]
    public async Task A_workflow_round_trips_with_nodes_in_definition_order_and_states_as_lower_case_text()
    {
        var workflow = Workflow();
        await using (var db = _factory.Create())
        {
            db.Add(workflow);
            await db.SaveChangesAsync();
        }

        await using var read = _factory.Create();
        var loaded = await read.Workflows.Include(w => w.Nodes.OrderBy(n => n.Ordinal)).SingleAsync(w => w.CorrelationId == workflow.CorrelationId);

        Assert.Equal(["a", "b"], loaded.Nodes.Select(n => n.NodeId));
        Assert.Equal(DateTimeKind.Utc, loaded.CreatedAt.Kind);
        Assert.Equal(["pending", "running"], Scalars("SELECT state FROM workflow_nodes ORDER BY ordinal"));
    }

    [Fact]
    public async Task A_writer_holding_a_stale_version_loses_with_a_concurrency_exception()
    {
        var workflow = Workflow();
        await using (var db = _factory.Create())
        {
            db.Add(workflow);
            await db.SaveChangesAsync();
        }

        await using var first = _factory.Create();
        await using var second = _factory.Create();
        var a = await first.Workflows.SingleAsync(w => w.CorrelationId == workflow.CorrelationId);
        var b = await second.Workflows.SingleAsync(w => w.CorrelationId == workflow.CorrelationId);
        a.CurrentState = "Completed";
        a.Version++;
        await first.SaveChangesAsync();

        b.CurrentState = "Failed";
        b.Version++;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        Assert.Equal(["Completed"], Scalars("SELECT current_state FROM workflow_instances"));
    }
}
