using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SagaWorkflow.Persistence.Executors;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>Plugs our repository into MassTransit: <c>.Repository(r => r.UseWorkflowRepository())</c>.</summary>
public static class SagaRepositoryRegistration
{
    public static void UseWorkflowRepository(this ISagaRepositoryRegistrationConfigurator<WorkflowState> configurator) =>
        configurator.UseSqlRepository<WorkflowState, WorkflowRowLoader>();

    public static void UseExecutorRepository(this ISagaRepositoryRegistrationConfigurator<ExecutorState> configurator) =>
        configurator.UseSqlRepository<ExecutorState, ExecutorRowLoader>();

    private static void UseSqlRepository<TSaga, TLoader>(this ISagaRepositoryRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, IVersionedSaga
        where TLoader : class, ISagaRowLoader<TSaga>
    {
        configurator.TryAddSingleton<ISagaRowLoader<TSaga>, TLoader>();
        configurator.TryAddSingleton<SagaBatches<TSaga>>();
        configurator.TryAddSingleton<WarmSagaContexts<TSaga>>();
        configurator.RegisterSagaRepository<TSaga, WorkflowDbContext, SagaConsumeContextFactory<WorkflowDbContext, TSaga>,
            SqlSagaRepositoryContextFactory<TSaga>>();
    }
}
