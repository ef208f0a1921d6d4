using MassTransit;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>Starts a drain when a <see cref="DrainExecutor"/> names this process; every executor hears it on its control queue.</summary>
public sealed class DrainExecutorConsumer(ExecutorDrain drain, IOptions<ExecutorOptions> options) : IConsumer<DrainExecutor>
{
    public Task Consume(ConsumeContext<DrainExecutor> context)
    {
        return context.Message.ExecutorId == options.Value.ExecutorId
            ? drain.RequestAsync(context.Message.Deadline, context.Message.Reason ?? "drain requested")
            : Task.CompletedTask;
    }
}
