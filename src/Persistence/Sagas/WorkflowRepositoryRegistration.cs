using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>Plugs our repository into MassTransit: <c>.Repository(r => r.UseWorkflowRepository())</c>.</summary>
public static class WorkflowRepositoryRegistration
{
    public static void UseWorkflowRepository(this ISagaRepositoryRegistrationConfigurator<WorkflowState> configurator) =>
        configurator.RegisterSagaRepository<WorkflowState, WorkflowDbContext, SagaConsumeContextFactory<WorkflowDbContext, WorkflowState>,
            WorkflowSagaRepositoryContextFactory>();
}
