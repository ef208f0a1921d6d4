using MassTransit;
using MassTransit.Context;

namespace SagaWorkflow.Persistence.Outbox;

/// <summary>
/// One message a step sent or published, twice over: the row stored in its transaction (what another orchestrator
/// sends should this one die), and the typed message itself, which this process sends after the commit exactly as the
/// step asked (a publish stays a publish; send observers, traces and the test harness see its real type).
/// </summary>
internal sealed class CapturedMessage
{
    private readonly Func<IBus, CancellationToken, Task> _send;

    private CapturedMessage(OutboxMessage row, Func<IBus, CancellationToken, Task> send)
    {
        Row = row;
        _send = send;
    }

    public OutboxMessage Row { get; }

    public Task SendAsync(IBus bus, CancellationToken cancellationToken) => _send(bus, cancellationToken);

    public static CapturedMessage Of<T>(OutboxMessage row, SendContext<T> captured, bool published)
        where T : class
    {
        var message = captured.Message;
        var destination = captured.DestinationAddress!;
        var body = new StoredBody(captured.Serializer.ContentType, row.Body);
        return published
            ? new CapturedMessage(row, (bus, token) => bus.Publish(message, Pipe.Execute<PublishContext<T>>(c => CopyTo(captured, body, c)), token))
            : new CapturedMessage(row, async (bus, token) =>
            {
                var endpoint = await bus.GetSendEndpoint(destination).ConfigureAwait(false);
                await endpoint.Send(message, Pipe.Execute<SendContext<T>>(c => CopyTo(captured, body, c)), token).ConfigureAwait(false);
            });
    }

    // What the step's send pipe set on the captured context, so the message that goes out is the one stored: same id
    // (the row's key), same conversation, headers (scheduling tokens, trace context) and transport properties, and the
    // body serialized once, for the row, rather than again for the broker.
    private static void CopyTo<T>(SendContext<T> captured, StoredBody body, SendContext<T> context)
        where T : class
    {
        context.Serializer = body;
        context.ContentType = body.ContentType;
        context.MessageId = captured.MessageId;
        context.RequestId = captured.RequestId;
        context.CorrelationId = captured.CorrelationId;
        context.ConversationId = captured.ConversationId;
        context.InitiatorId = captured.InitiatorId;
        context.ScheduledMessageId = captured.ScheduledMessageId;
        context.SourceAddress = captured.SourceAddress;
        context.ResponseAddress = captured.ResponseAddress;
        context.FaultAddress = captured.FaultAddress;
        context.TimeToLive = captured.TimeToLive;
        context.Durable = captured.Durable;
        context.Delay = captured.Delay;
        foreach (var header in captured.Headers.GetAll())
            context.Headers.Set(header.Key, header.Value);
        if (captured is TransportSendContext<T> from && context is TransportSendContext<T> to)
        {
            var properties = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            from.WritePropertiesTo(properties);
            to.ReadPropertiesFrom(properties);
        }
    }

    /// <summary>A serializer that hands out the envelope the row already holds.</summary>
    private sealed class StoredBody(System.Net.Mime.ContentType contentType, string body) : IMessageSerializer
    {
        public System.Net.Mime.ContentType ContentType { get; } = contentType;

        public MessageBody GetMessageBody<T>(SendContext<T> context)
            where T : class => new StringMessageBody(body);
    }
}
