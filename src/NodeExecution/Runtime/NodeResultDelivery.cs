using MassTransit;
using Microsoft.Extensions.Logging;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>
/// Publishes an attempt's result, waiting out a broker outage: a node that finished while RabbitMQ restarted must
/// still report, or the saga would wait for it until a deadline or a failover. The publish is retried with a growing
/// pause (250 ms to 5 s) until the broker takes it or <see cref="GiveUpAfter"/> passes; giving up is safe, because
/// the broker hands the unacknowledged command out again and this process answers that copy from
/// <see cref="RunningExecutions"/>' memory of finished attempts (or another executor runs it again).
/// </summary>
public sealed class NodeResultDelivery(TimeProvider time, ILogger<NodeResultDelivery> logger)
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    /// <summary>Publishes through the consume context (keeping its conversation), retrying while the broker is away.</summary>
    public async Task PublishAsync(ConsumeContext context, object message, string executionId)
    {
        var giveUpAt = time.GetUtcNow() + GiveUpAfter;
        var pause = FirstPause;
        for (var tries = 1; ; tries++)
        {
            try
            {
                // Never the consume context's token: it is cancelled when the broker connection drops, which is
                // exactly when this has to keep trying. Typed as object, so it publishes as the message's own type.
                await context.Publish(message, CancellationToken.None);
                if (tries > 1)
                    logger.LogInformation("{Message} of execution {ExecutionId} published after {Tries} tries", message.GetType().Name, executionId, tries);
                return;
            }
            catch (Exception ex)
            {
                if (time.GetUtcNow() + pause >= giveUpAt)
                {
                    // Not thrown: a fault would be as undeliverable as the result. The broker redelivers the command.
                    logger.LogError("{Message} of execution {ExecutionId} not published after {Tries} tries over {Window}: {Error}; the broker will hand its command out again",
                        message.GetType().Name, executionId, tries, GiveUpAfter, ex.GetBaseException().Message);
                    return;
                }

                if (tries == 1)
                    logger.LogWarning("Cannot publish {Message} of execution {ExecutionId} ({Error}); retrying until the broker is back",
                        message.GetType().Name, executionId, ex.GetBaseException().Message);
                await Task.Delay(pause, time, CancellationToken.None);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }

    /// <summary>Publishes a report that only helps (NodeStarted): a failure is logged, never fatal to the attempt.</summary>
    public async Task TryPublishAsync(ConsumeContext context, object message, string executionId)
    {
        try
        {
            await context.Publish(message, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning("{Message} of execution {ExecutionId} not published ({Error}); its result will carry the start time",
                message.GetType().Name, executionId, ex.GetBaseException().Message);
        }
    }
}
