using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence.Definitions;
using SagaWorkflow.Persistence.Executors;
using SagaWorkflow.Persistence.Scheduling;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Persistence;

/// <summary>
/// The saga state model. Abstract because each provider has a subclass with its own migrations
/// (<see cref="SqliteWorkflowDbContext"/>, <see cref="PostgresWorkflowDbContext"/>): EF migrations are provider-specific.
/// </summary>
public abstract class WorkflowDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<WorkflowState> Workflows => Set<WorkflowState>();
    public DbSet<WorkflowNodeState> Nodes => Set<WorkflowNodeState>();
    public DbSet<ScheduleFire> ScheduleFires => Set<ScheduleFire>();
    public DbSet<NodeAttempt> NodeAttempts => Set<NodeAttempt>();
    public DbSet<ExecutorState> Executors => Set<ExecutorState>();
    public DbSet<StoredDefinition> Definitions => Set<StoredDefinition>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new WorkflowStateMap());
        modelBuilder.ApplyConfiguration(new WorkflowNodeStateMap());
        modelBuilder.ApplyConfiguration(new ScheduleFireMap());
        modelBuilder.ApplyConfiguration(new NodeAttemptMap());
        modelBuilder.ApplyConfiguration(new ExecutorStateMap());
        modelBuilder.ApplyConfiguration(new StoredDefinitionMap());
        SnakeCaseNames.Apply(modelBuilder);
        UtcDateTimes.Apply(modelBuilder);
    }
}

/// <summary>The local-mode database: a SQLite file.</summary>
public sealed class SqliteWorkflowDbContext(DbContextOptions<SqliteWorkflowDbContext> options) : WorkflowDbContext(options);

/// <summary>The distributed-mode database: PostgreSQL.</summary>
public sealed class PostgresWorkflowDbContext(DbContextOptions<PostgresWorkflowDbContext> options) : WorkflowDbContext(options);
