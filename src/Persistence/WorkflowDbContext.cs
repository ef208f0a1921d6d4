using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence.Definitions;
using SagaWorkflow.Persistence.Executors;
using SagaWorkflow.Persistence.Outbox;
using SagaWorkflow.Persistence.Scheduling;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Persistence;

/// <summary>
/// The saga state model. Abstract because each provider has a subclass with its own migrations and model snapshot
/// (<see cref="SqliteWorkflowDbContext"/>, <see cref="MySqlWorkflowDbContext"/>, <see cref="PostgresWorkflowDbContext"/>,
/// in Providers/): EF migrations are provider-specific, and each subclass is the one home of its provider's specifics.
/// </summary>
public abstract class WorkflowDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<WorkflowState> Workflows => Set<WorkflowState>();
    public DbSet<WorkflowNodeState> Nodes => Set<WorkflowNodeState>();
    public DbSet<ScheduleFire> ScheduleFires => Set<ScheduleFire>();
    public DbSet<NodeAttempt> NodeAttempts => Set<NodeAttempt>();
    public DbSet<ExecutorState> Executors => Set<ExecutorState>();
    public DbSet<StoredDefinition> Definitions => Set<StoredDefinition>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<OutboxOwner> OutboxOwners => Set<OutboxOwner>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new WorkflowStateMap());
        modelBuilder.ApplyConfiguration(new WorkflowNodeStateMap());
        modelBuilder.ApplyConfiguration(new ScheduleFireMap());
        modelBuilder.ApplyConfiguration(new NodeAttemptMap());
        modelBuilder.ApplyConfiguration(new ExecutorStateMap());
        modelBuilder.ApplyConfiguration(new StoredDefinitionMap());
        modelBuilder.ApplyConfiguration(new OutboxMessageMap());
        modelBuilder.ApplyConfiguration(new OutboxOwnerMap());
        SnakeCaseNames.Apply(modelBuilder);
        UtcDateTimes.Apply(modelBuilder);
    }

    /// <summary>
    /// Whether saga loaders read their row with <c>SELECT ... FOR UPDATE</c>, so orchestrators racing for one saga queue
    /// behind each other instead of failing the version check (the store must serialise writers otherwise).
    /// </summary>
    protected internal virtual bool LocksRowsForUpdate => true;

    /// <summary>
    /// Serialises, across processes, transactions that take the same <paramref name="name"/> until the current
    /// transaction ends or the returned handle is disposed, whichever is later. Stores with one writer need nothing.
    /// </summary>
    protected internal virtual Task<IAsyncDisposable> LockNameAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(NoLock.Instance);
}
