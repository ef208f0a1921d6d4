using MassTransit;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>A saga row our repository can save with an optimistic version check (incremented on every update).</summary>
public interface IVersionedSaga : SagaStateMachineInstance
{
    int Version { get; set; }
}

/// <summary>
/// How one saga type is read for an event: its row (locked where the store locks rows, see <see cref="WorkflowDbContext.LocksRowsForUpdate"/>) and whatever child rows the state machine needs.
/// Returns null when there is no such saga.
/// </summary>
public interface ISagaRowLoader<TSaga>
    where TSaga : class, IVersionedSaga
{
    Task<TSaga?> LoadAsync(WorkflowDbContext db, Guid correlationId, CancellationToken cancellationToken);
}
