using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence.Outbox;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// One message's view of the repository. MassTransit's saga pipe calls Load (or Add/Insert for a new saga),
/// runs the state machine, then Save, Update, Delete, Discard or Undo. Steps reach the same DbContext (and transaction)
/// through <see cref="SagaDatabase"/> to read (registered definitions); rows a saga changes in other tables are saved with it
/// (<see cref="ISagaWithOwnRows"/>). Within a <see cref="SagaBatch{TSaga}"/>
/// the instance an earlier message loaded (and saved) is handed on instead of read again.
/// </summary>
public sealed class SqlSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, IVersionedSaga
    where TMessage : class
{
    private readonly WorkflowDbContext _db;
    private readonly ISagaRowLoader<TSaga> _loader;
    private readonly ConsumeContext<TMessage> _consumeContext;
    private readonly ISagaConsumeContextFactory<WorkflowDbContext, TSaga> _factory;
    private readonly SagaBatch<TSaga> _batch;

    internal SqlSagaRepositoryContext(WorkflowDbContext db, ISagaRowLoader<TSaga> loader,
        ConsumeContext<TMessage> consumeContext, ISagaConsumeContextFactory<WorkflowDbContext, TSaga> factory, SagaBatch<TSaga> batch)
        : base(consumeContext, db)
    {
        _batch = batch;
        _db = db;
        _loader = loader;
        _consumeContext = consumeContext;
        _factory = factory;
    }

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_db, _consumeContext, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        if (_batch.Find(instance.CorrelationId) is not null)
            return null!; // an earlier message of this batch created it: load it instead
        var entry = await _db.Set<TSaga>().AddAsync(instance, CancellationToken).ConfigureAwait(false);
        // The one save that may fail and be carried on from (a duplicate start): it alone needs EF's savepoint, without
        // which PostgreSQL refuses every further statement of the transaction.
        _db.Database.AutoSavepointsEnabled = true;
        try
        {
            await _db.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
            _batch.Loaded = instance;
            return await _factory.CreateSagaConsumeContext(_db, _consumeContext, instance, SagaConsumeContextMode.Insert).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Already there (a duplicate start): forget the failed insert so the context can still load and update it.
            entry.State = EntityState.Detached;
            return null!;
        }
        finally
        {
            _db.Database.AutoSavepointsEnabled = false;
        }
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = _batch.Find(correlationId) ?? await _loader.LoadAsync(_db, correlationId, CancellationToken).ConfigureAwait(false);
        if (instance is null)
            return null!;
        _batch.Loaded = instance;
        return await _factory.CreateSagaConsumeContext(_db, _consumeContext, instance, SagaConsumeContextMode.Load).ConfigureAwait(false);
    }

    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        context.Saga.Version = 1;
        await _db.Set<TSaga>().AddAsync(context.Saga, CancellationToken).ConfigureAwait(false);
        await SaveAsync(context.Saga).ConfigureAwait(false);
        _batch.Loaded = context.Saga;
    }

    public async Task Update(SagaConsumeContext<TSaga> context)
    {
        // The UPDATE's WHERE checks the version that was loaded; a writer that got there first makes it match no row.
        context.Saga.Version++;
        await SaveAsync(context.Saga).ConfigureAwait(false);
    }

    private async Task SaveAsync(TSaga saga)
    {
        // What the step sent goes into the same save (one batch) and so the same transaction: the outbox.
        var outbox = OutboxRows.StageInto(_consumeContext, _db);
        if (_batch.DefersSave)
        {
            // Written with the other members' saves before the commit (SagaSaves).
            _batch.Deferred.Defer(outbox);
            return;
        }

        await SagaSave.WriteAsync(_db, saga, CancellationToken).ConfigureAwait(false);
        OutboxRows.Detach(_db, outbox);
    }

    public async Task Delete(SagaConsumeContext<TSaga> context)
    {
        await _batch.Deferred.WriteAsync(_db, context.Saga, CancellationToken).ConfigureAwait(false);
        _db.Set<TSaga>().Remove(context.Saga);
        await _db.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
        _batch.Loaded = null;
    }

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context)
    {
        _db.ChangeTracker.Clear();
        _batch.Loaded = null;
        return Task.CompletedTask;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance,
        SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_db, consumeContext, instance, mode);
}
