using System.Data;
using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// Our EF Core saga repository for <see cref="WorkflowState"/> (MassTransit.EntityFrameworkCore is not in the registry).
/// Per message: a fresh DbContext, one ReadCommitted transaction, the workflow row and its node rows loaded tracked,
/// MassTransit's saga pipe run inside, commit. On PostgreSQL the workflow row is locked (FOR UPDATE) first, so
/// orchestrator processes racing for one workflow queue behind each other instead of failing on the version check;
/// SQLite serializes writers by itself (IMMEDIATE transactions). Correlation is by id only.
/// </summary>
public sealed class WorkflowSagaRepositoryContextFactory(
    WorkflowDbContextFactory dbContextFactory,
    ISagaConsumeContextFactory<WorkflowDbContext, WorkflowState> consumeContextFactory) : ISagaRepositoryContextFactory<WorkflowState>
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<WorkflowState, T>> next)
        where T : class
    {
        var db = dbContextFactory.Create();
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, context.CancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var repositoryContext = new WorkflowSagaRepositoryContext<T>(db, dbContextFactory.Provider, context, consumeContextFactory);
                await next.Send(repositoryContext).ConfigureAwait(false);
                await transaction.CommitAsync(context.CancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<WorkflowState> query, IPipe<SagaRepositoryQueryContext<WorkflowState, T>> next)
        where T : class =>
        throw new NotSupportedException("The workflow saga correlates by workflow id only; query correlation is not supported.");

    public void Probe(ProbeContext context) => context.Add("persistence", "entity-framework-core (SagaWorkflow)");
}
