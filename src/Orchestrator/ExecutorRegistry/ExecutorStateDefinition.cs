using MassTransit;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Persistence.Executors;
using SagaWorkflow.Persistence.Outbox;

namespace SagaWorkflow.Orchestrator.ExecutorRegistry;

/// <summary>
/// Endpoint of the executor registry saga: queue <c>executor-state</c>, database conflicts retried, sends held until the
/// row is saved. Heartbeats of one executor are serialized by its row lock; different executors run in parallel.
/// </summary>
public sealed class ExecutorStateDefinition : SagaDefinition<ExecutorState>
{
    public const string QueueName = "executor-state";

    public ExecutorStateDefinition()
    {
        EndpointName = QueueName;
        ConcurrentMessageLimit = 16;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<ExecutorState> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseDatabaseRetry();
        endpointConfigurator.UseTransactionalOutbox(context);
    }
}
