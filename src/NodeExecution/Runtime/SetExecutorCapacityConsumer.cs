using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>
/// Applies a <see cref="SetExecutorCapacity"/> that names this process and answers it; every executor hears it on its
/// control queue, the others stay silent. The API checked the range (1-1000); this side knows its own ceiling.
/// </summary>
public sealed class SetExecutorCapacityConsumer(
    NodeCapacity capacity,
    ExecutorDrain drain,
    RunningExecutions running,
    ExecutorInstance instance,
    IOptions<ExecutorOptions> options,
    ILogger<SetExecutorCapacityConsumer> logger) : IConsumer<SetExecutorCapacity>
{
    public async Task Consume(ConsumeContext<SetExecutorCapacity> context)
    {
        var m = context.Message;
        var executorId = options.Value.ExecutorId;
        if (m.ExecutorId != executorId)
            return;
        string? refusal = drain.IsDraining
            ? $"executor {executorId} is draining; it takes no new work at any capacity"
            : m.Concurrency < 1 || m.Concurrency > capacity.MaxConcurrency
                ? $"executor {executorId} takes 1-{capacity.MaxConcurrency} ({ExecutorOptions.Section}:MaxConcurrency, the prefetch it subscribed with, which a running RabbitMQ consumer cannot change); restart it with a higher {ExecutorOptions.Section}:MaxConcurrency to go beyond"
                : null;
        if (refusal is not null)
        {
            logger.LogWarning("Capacity change of executor {ExecutorId} to {Concurrency} refused: {Reason}", executorId, m.Concurrency, refusal);
            await context.RespondAsync(new ExecutorCapacityRefused
            {
                ExecutorId = executorId, Requested = m.Concurrency, MaxConcurrency = capacity.MaxConcurrency, Reason = refusal,
            });
            return;
        }

        var (previous, appliedAt) = capacity.Set(m.Concurrency);
        var inFlight = running.Count;
        logger.LogInformation("Executor {ExecutorId} capacity {Previous} -> {Concurrency} per queue ({InFlight} attempt(s) in flight)",
            executorId, previous, m.Concurrency, inFlight);
        await context.RespondAsync(new ExecutorCapacityChanged
        {
            ExecutorId = executorId, InstanceId = instance.Id, Concurrency = m.Concurrency, Previous = previous,
            MaxConcurrency = capacity.MaxConcurrency, InFlight = inFlight, Timestamp = appliedAt,
        });
    }
}
