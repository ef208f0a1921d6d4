using System.Data;
using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// Our EF Core saga repository (MassTransit.EntityFrameworkCore is not in the registry), for any saga with a row loader.
/// Per message: a fresh DbContext, one ReadCommitted transaction, the saga loaded tracked by its
/// <see cref="ISagaRowLoader{TSaga}"/>, MassTransit's saga pipe run inside, commit. On PostgreSQL loaders lock the saga
/// row (FOR UPDATE) first, so orchestrator processes racing for one saga queue behind each other instead of failing on
/// the version check; SQLite serializes writers by itself (IMMEDIATE transactions). Correlation is by id only.
/// </summary>
public sealed class SqlSagaRepositoryContextFactory<TSaga>(
    WorkflowDbContextFactory dbContextFactory,
    ISagaRowLoader<TSaga> loader,
    ISagaConsumeContextFactory<WorkflowDbContext, TSaga> consumeContextFactory) : ISagaRepositoryContextFactory<TSaga>
    where TSaga : class, IVersionedSaga
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        var db = dbContextFactory.Create();
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, context.CancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                SagaDatabase.Attach(context, db);
                var repositoryContext = new SqlSagaRepositoryContext<TSaga, T>(db, dbContextFactory.Provider, loader, context, consumeContextFactory);
                await next.Send(repositoryContext).ConfigureAwait(false);
                await transaction.CommitAsync(context.CancellationToken).ConfigureAwait(false);
                SagaDatabase.Committed(context);
            }
        }
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw new NotSupportedException($"{typeof(TSaga).Name} correlates by id only; query correlation is not supported.");

    public void Probe(ProbeContext context) => context.Add("persistence", "entity-framework-core (SagaWorkflow)");
}
