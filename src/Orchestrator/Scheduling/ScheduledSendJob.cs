using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Logging;
using Quartz;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// The Quartz job behind one scheduled message: when its trigger fires (on exactly one clustered instance), it sends
/// the stored message to its destination with <c>MT-Scheduling-TokenId</c>, which sagas compare to drop stale timers.
/// A failed send is rethrown with refire, so a broker hiccup delays the message rather than losing it.
/// </summary>
public sealed class ScheduledSendJob(IBus bus, ScheduledMessageTypes types, ILogger<ScheduledSendJob> logger) : IJob
{
    public const string Destination = "destination";
    public const string Payload = "payload";
    public const string PayloadType = "payloadType";
    public const string TokenId = "tokenId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var tokenId = Guid.Parse(data.GetString(TokenId)!);
        try
        {
            var type = types.Resolve(data.GetString(PayloadType)!.Split(';'));
            var message = JsonSerializer.Deserialize(data.GetString(Payload)!, type, SystemTextJsonMessageSerializer.Options)!;
            var endpoint = await bus.GetSendEndpoint(new Uri(data.GetString(Destination)!));
            await endpoint.Send(message, type, Pipe.Execute<SendContext>(c => c.Headers.Set(MessageHeaders.SchedulingTokenId, tokenId.ToString())),
                cancellationToken);
        }
        catch (Exception ex) when (ex is not UnknownScheduledMessageTypeException)
        {
            logger.LogWarning(ex, "Scheduled message {TokenId} could not be sent; Quartz refires it", tokenId);
            // A short pause before the refire, so a broker outage is retried rather than spun on.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            throw new JobExecutionException(ex) { RefireImmediately = true };
        }
    }
}
