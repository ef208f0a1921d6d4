using System.Data.Common;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// Endpoint settings of the workflow saga: its queue name, retry of database conflicts, the outbox, and
/// partitioning by workflow id so results for one workflow apply one at a time inside a process
/// (MASSTRANSIT-NOTES.md: without it a 500-node fan-in costs thousands of concurrency retries).
/// </summary>
public sealed class WorkflowStateDefinition : SagaDefinition<WorkflowState>
{
    private const int Partitions = 64;

    public WorkflowStateDefinition()
    {
        EndpointName = NodeQueues.WorkflowState;
        ConcurrentMessageLimit = 64;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<WorkflowState> sagaConfigurator,
        IRegistrationContext context)
    {
        // Retry wraps the outbox: a retried attempt re-runs the saga and re-buffers its sends; a failed one sends nothing.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Handle<DbUpdateException>();
            r.Handle<DbException>();
            r.Exponential(10, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));
        });
        endpointConfigurator.UseInMemoryOutbox(context);

        var partition = endpointConfigurator.CreatePartitioner(Partitions);
        sagaConfigurator.Message<StartWorkflow>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId ?? c.MessageId ?? Guid.Empty));
        sagaConfigurator.Message<CancelWorkflow>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<NodeStarted>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<NodeCompleted>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<NodeFailed>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<WorkflowTimedOut>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<NodeTimedOut>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<RetryNode>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<RecoverNode>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<ReassignNodes>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<ResolveNode>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<PauseWorkflow>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<ResumeWorkflow>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
        sagaConfigurator.Message<RetryWorkflow>(m => m.UsePartitioner(partition, c => c.Message.WorkflowId));
    }
}
