using MassTransit;
using SagaWorkflow.Contracts;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Persistence.Outbox;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// Endpoint settings of the workflow saga: its queue name, retry of database conflicts and the outbox. Results for one
/// workflow apply one at a time inside a process through the repository's batches (MASSTRANSIT-NOTES.md: without
/// serialization a 500-node fan-in costs thousands of concurrency retries).
/// </summary>
public sealed class WorkflowStateDefinition : SagaDefinition<WorkflowState>
{
    public WorkflowStateDefinition()
    {
        EndpointName = NodeQueues.WorkflowState;
        ConcurrentMessageLimit = 64;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<WorkflowState> sagaConfigurator,
        IRegistrationContext context)
    {
        // Retry wraps the outbox: a retried attempt re-runs the saga and re-captures its sends; a failed one sends nothing.
        endpointConfigurator.UseDatabaseRetry();
        // What a step sends is stored in its transaction and delivered after the commit, so an orchestrator that dies in
        // between loses nothing: another delivers it within seconds (docs/failover.md). The sends of one step go out
        // together, not each after the previous broker confirm (a 200-child fan-out: 470 -> 300 ms).
        endpointConfigurator.UseTransactionalOutbox(context);
        // No partitioner: results for one workflow that arrive together are applied one at a time in one transaction
        // by the repository's batches (SagaBatch), which a partitioner keyed by workflow would keep apart.
    }
}
