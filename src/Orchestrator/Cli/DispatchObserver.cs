using MassTransit;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>Prints each dispatch of the watched workflow's nodes; there is no event for it, only the sent command.</summary>
internal sealed class DispatchObserver(RunMonitor monitor) : ISendObserver
{
    public Task PreSend<T>(SendContext<T> context)
        where T : class
    {
        if (context.Message is ExecuteNode m && m.WorkflowId == monitor.WorkflowId)
            monitor.Transition(m.NodeId, $"dispatched (attempt {m.Attempt} -> {NodeQueues.ForCapability(m.Capability)})");
        return Task.CompletedTask;
    }

    public Task PostSend<T>(SendContext<T> context)
        where T : class => Task.CompletedTask;

    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
