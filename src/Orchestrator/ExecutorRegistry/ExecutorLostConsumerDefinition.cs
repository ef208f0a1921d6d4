using MassTransit;
using SagaWorkflow.Orchestrator.Hosting;

namespace SagaWorkflow.Orchestrator.ExecutorRegistry;

/// <summary>
/// Endpoint of the failover fan-out: queue <c>executor-failover</c>. A database hiccup while reading the lost executor's
/// attempts is retried, and the ReassignNodes commands leave only when the read succeeded; a message that still fails
/// ends in <c>executor-failover_error</c>, and the sweeper's orphan check reassigns those nodes anyway.
/// </summary>
public sealed class ExecutorLostConsumerDefinition : ConsumerDefinition<ExecutorLostConsumer>
{
    public ExecutorLostConsumerDefinition() => EndpointName = ExecutorLostConsumer.QueueName;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ExecutorLostConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseDatabaseRetry();
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
