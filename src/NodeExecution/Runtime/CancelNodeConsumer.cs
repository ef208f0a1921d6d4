using MassTransit;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>Stops an attempt this process runs when the orchestrator says so (deadline passed, workflow cancelled).</summary>
public sealed class CancelNodeConsumer(RunningExecutions running, ILogger<CancelNodeConsumer> logger) : IConsumer<CancelNode>
{
    public Task Consume(ConsumeContext<CancelNode> context)
    {
        if (running.Cancel(context.Message.ExecutionId))
            logger.LogWarning("Cancelled execution {ExecutionId}: {Reason}", context.Message.ExecutionId, context.Message.Reason);
        return Task.CompletedTask;
    }
}
