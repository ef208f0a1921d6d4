using MassTransit;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;
using SagaWorkflow.Hosting;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// Where an <see cref="ExecuteNode"/> goes and how it is sent. In memory: the queue itself. On RabbitMQ: the queue is
/// declared first with its arguments (<see cref="QueueTopology"/>, once per queue and process), and the command
/// goes to its exchange marked mandatory, so a command that no queue takes comes back as a failed send and stays in the
/// outbox to be sent again, instead of being dropped.
/// </summary>
public sealed class NodeQueueTargets(ILogger<NodeQueueTargets> logger, QueueTopology? topology = null)
{
    public async ValueTask<Uri> AddressAsync(string capability, string? pool, string? executor, CancellationToken cancellationToken)
    {
        var queue = NodeQueues.QueueFor(capability, pool, executor);
        if (topology is null)
            return new Uri("queue:" + queue);
        try
        {
            await topology.EnsureNodeQueueAsync(queue, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The step goes on: the queue almost always exists already, and if not, the mandatory send bounces back
            // into the outbox until an executor of this capability declares it.
            logger.LogWarning(e, "Could not declare queue {Queue}; sending to it as it is", queue);
        }

        return new Uri("exchange:" + queue);
    }

    /// <summary>The broker delivers higher <paramref name="priority"/> first from a queue made with priorities.</summary>
    public static IPipe<SendContext<ExecuteNode>> SendPipe(byte priority) => Pipe.Execute<SendContext<ExecuteNode>>(context =>
    {
        if (!context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            return;
        rabbit.Mandatory = true;
        if (priority > 0)
            rabbit.BasicProperties.Priority = priority;
    });
}
