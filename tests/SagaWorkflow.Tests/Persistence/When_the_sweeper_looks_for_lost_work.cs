using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SagaWorkflow.Orchestrator.Recovery;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Tests.Persistence;

/// <summary>The sweeper's queries against a real (SQLite) database: which nodes count as lost work.</summary>
public sealed class When_the_sweeper_looks_for_lost_work : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc);
    private readonly string _directory = Directory.CreateTempSubdirectory("sagaworkflow-sweep-").FullName;
    private WorkflowDbContextFactory _factory = null!;

    public async Task InitializeAsync()
    {
        var options = Options.Create(new PersistenceOptions { ConnectionString = $"Data Source={Path.Combine(_directory, "state.db")};Pooling=False" });
        _factory = new WorkflowDbContextFactory(options);
        await new DatabaseMigrator(_factory, options, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_retry_overdue_in_a_running_workflow_is_found_but_not_one_still_due_or_held_by_a_pause()
    {
        var lost = await AddAsync("Running", Now.AddMinutes(-2), attempt: 2);
        await AddAsync("Running", Now.AddSeconds(10), attempt: 1);
        await AddAsync("Paused", Now.AddMinutes(-2), attempt: 1);

        await using var db = _factory.Create();
        var overdue = await StaleDispatchSweeper.OverdueRetriesAsync(db, Now.AddSeconds(-30), CancellationToken.None);

        var retry = Assert.Single(overdue);
        Assert.Equal((lost, "r", 2), (retry.WorkflowId, retry.NodeId, retry.Attempt));
    }

    private async Task<Guid> AddAsync(string state, DateTime nextAttemptAt, int attempt)
    {
        await using var db = _factory.Create();
        var workflow = new WorkflowState
        {
            CorrelationId = Guid.NewGuid(), CurrentState = state, DefinitionName = "w", DefinitionVersion = 1, DefinitionJson = "{}",
            CreatedAt = Now, UpdatedAt = Now, Version = 1,
            Nodes = [new() { NodeId = "r", Ordinal = 0, Capability = "http", State = NodeStatus.Retrying, Attempt = attempt, MaxAttempts = 3, NextAttemptAt = nextAttemptAt }],
        };
        db.Workflows.Add(workflow);
        await db.SaveChangesAsync();
        return workflow.CorrelationId;
    }
}
