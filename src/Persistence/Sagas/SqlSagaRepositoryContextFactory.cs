using System.Data;
using System.Data.Common;
using System.Runtime.ExceptionServices;
using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// Our EF Core saga repository (MassTransit.EntityFrameworkCore is not in the registry), for any saga with a row loader.
/// Per transaction: a fresh DbContext, one ReadCommitted transaction, the saga loaded tracked by its
/// <see cref="ISagaRowLoader{TSaga}"/>, MassTransit's saga pipe run inside, commit. Messages for a saga that arrive while
/// a transaction for it is open in this process join it (<see cref="SagaBatch{TSaga}"/>): each runs behind a savepoint,
/// so one that fails is rolled back alone, and one commit covers the rest. On MySQL and PostgreSQL loaders lock the saga row
/// (FOR UPDATE) first, so orchestrator processes racing for one saga queue behind each other instead of failing on the
/// version check; SQLite serializes writers by itself. Correlation is by id only.
/// </summary>
public sealed class SqlSagaRepositoryContextFactory<TSaga>(
    WorkflowDbContextFactory dbContextFactory,
    ISagaRowLoader<TSaga> loader,
    ISagaConsumeContextFactory<WorkflowDbContext, TSaga> consumeContextFactory,
    SagaBatches<TSaga> batches,
    WarmSagaContexts<TSaga> warm) : ISagaRepositoryContextFactory<TSaga>
    where TSaga : class, IVersionedSaga
{
    private const string MemberSavepoint = "saga_batch_member";

    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        var member = new SagaBatchMember<TSaga>(context, (db, batch) =>
            next.Send(new SqlSagaRepositoryContext<TSaga, T>(db, loader, context, consumeContextFactory, batch)));
        var batch = batches.Join(context.CorrelationId, member);
        if (batch is not null)
        {
            // The leader lets its caller go before it works. Microsoft.Data.Sqlite's async calls complete synchronously,
            // and the in-memory transport hands a message to its consumer inline: without this, a local-mode transaction
            // ran start to commit before the transport delivered the next message, so no result ever joined a batch
            // (measured: one message per transaction; a 9,998-child fan-in applied its results one commit each, 10 s).
            // On MySQL and PostgreSQL the first database call yields anyway.
            await Task.Yield();
            var leader = member;
            while (leader is not null)
                leader = await ApplyAsync(context.CorrelationId, batch, leader).ConfigureAwait(false);
        }
        await member.Done.Task.ConfigureAwait(false);
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw new NotSupportedException($"{typeof(TSaga).Name} correlates by id only; query correlation is not supported.");

    public void Probe(ProbeContext context) => context.Add("persistence", "entity-framework-core (SagaWorkflow)");

    /// <summary>
    /// One transaction: applies <paramref name="first"/> and every member that queues meanwhile, commits, and completes
    /// them. Returns the member to lead a fresh transaction when this one failed with members still waiting, else null.
    /// </summary>
    private async Task<SagaBatchMember<TSaga>?> ApplyAsync(Guid? correlationId, SagaBatch<TSaga> batch, SagaBatchMember<TSaga> first)
    {
        var cancellationToken = first.Context.CancellationToken;
        var applied = new List<SagaBatchMember<TSaga>>();
        SagaBatchMember<TSaga>? current = first;
        WorkflowDbContext? db = null;
        IDbContextTransaction? transaction = null;
        var taken = false; // the saga's kept context, which must go back (kept or released) whatever happens
        try
        {
            db = await warm.TakeAsync(correlationId, cancellationToken).ConfigureAwait(false);
            taken = db is not null;
            db ??= dbContextFactory.Create();
            // EF would wrap every save in a savepoint of its own (two more round trips per message) so that a failed save
            // could be carried on from; here a failed message is rolled back to the batch's savepoint instead.
            db.Database.AutoSavepointsEnabled = false;
            transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            batch.Loaded = null;
            batch.Deferred.Forget();
            while (current is not null)
            {
                // A first delivery leaves its save to the end of the transaction (SagaSaves); a retried one saves at once,
                // behind a savepoint when others were applied before it, so that it fails alone.
                batch.DefersSave = IsFirstDelivery(current.Context);
                if (!batch.DefersSave)
                    await batch.Deferred.WriteAsync(db, batch.Loaded, cancellationToken).ConfigureAwait(false);
                var savepoint = !batch.DefersSave && applied.Count > 0;
                if (savepoint)
                    await transaction.CreateSavepointAsync(MemberSavepoint, cancellationToken).ConfigureAwait(false);
                try
                {
                    SagaDatabase.Attach(current.Context, db);
                    await current.RunAsync(db, batch).ConfigureAwait(false);
                    applied.Add(current);
                }
                catch (Exception exception) when (batch.DefersSave || batch.Deferred.Pending)
                {
                    // The tracked saga holds this member's half-done changes among the unsaved ones of the members before
                    // it, and no savepoint marks where it began: the transaction is given up. This member fails with its
                    // own exception; the others are applied again by their retries, each saving at once.
                    current.Done.TrySetException(exception);
                    current = null;
                    var abandoned = new SagaBatchAbandonedException(exception);
                    foreach (var member in applied)
                        member.Done.TrySetException(abandoned);
                    applied.Clear();
                    batch.Loaded = null;
                    batch.Deferred.Forget();
                    db.ChangeTracker.Clear();
                    SagaBatchMetrics.Abandoned(typeof(TSaga).Name);
                    return batches.Next(correlationId, batch);
                }
                catch (Exception exception)
                {
                    // This member's own delivery sees its exception (and retries or faults); the others carry on.
                    current.Done.TrySetException(exception);
                    batch.Loaded = null;
                    db.ChangeTracker.Clear();
                    try
                    {
                        if (savepoint)
                        {
                            await transaction.RollbackToSavepointAsync(MemberSavepoint, cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            // Nothing else in it: PostgreSQL refuses further statements after an error, so start over.
                            await transaction.DisposeAsync().ConfigureAwait(false);
                            transaction = null; // should the new BEGIN throw, the finally must not dispose the old one again
                            transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    catch (Exception rollbackFailure) when (rollbackFailure is InvalidOperationException or DbException)
                    {
                        // The transaction cannot go on after this member (its connection broke: "Connection is not open").
                        // The member's failure is the cause every member in hand must see, so their retry policies
                        // recognise a database outage instead of faulting on the rollback's exception.
                        ExceptionDispatchInfo.Throw(exception);
                    }
                }
                current = batches.Next(correlationId, batch);
            }
            await batch.Deferred.WriteAsync(db, batch.Loaded, cancellationToken).ConfigureAwait(false);
            await OutboxRows.SaveLeftoversAsync(applied.Select(member => member.Context), db, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (correlationId is { } id && batch.Loaded is ISagaWithOwnRows { WorthKeepingLoaded: true })
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
                transaction = null;
                warm.Keep(id, db);
                taken = false;
                db = null; // kept, not disposed
            }
        }
        catch (Exception exception)
        {
            // Nothing of this transaction is stored: every member in hand fails and is redelivered by its retry policy.
            batch.Deferred.Forget();
            current?.Done.TrySetException(exception);
            foreach (var member in applied)
                member.Done.TrySetException(exception);
            return batches.Next(correlationId, batch);
        }
        finally
        {
            await DisposeQuietlyAsync(transaction, db).ConfigureAwait(false);
            if (taken && correlationId is { } id)
                warm.Release(id);
        }
        SagaBatchMetrics.Committed(typeof(TSaga).Name, applied.Count);
        foreach (var member in applied)
        {
            try
            {
                SagaDatabase.Committed(member.Context);
                member.Done.TrySetResult();
            }
            catch (Exception exception)
            {
                member.Done.TrySetException(exception);
            }
        }
        return null;
    }

    /// <summary>Neither a retry of a failed attempt nor a message the broker delivered again (after a crash, say).</summary>
    private static bool IsFirstDelivery(ConsumeContext context) => context.GetRetryAttempt() == 0 && !context.ReceiveContext.Redelivered;

    // Every member's outcome is decided by now; a rollback that fails on a broken connection leaves nothing behind
    // (the server drops the transaction with the connection), so a disposal error must not leave members unanswered.
    private static async Task DisposeQuietlyAsync(IDbContextTransaction? transaction, WorkflowDbContext? db)
    {
        try
        {
            if (transaction is not null)
                await transaction.DisposeAsync().ConfigureAwait(false);
            if (db is not null)
                await db.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or IOException)
        {
        }
    }
}
