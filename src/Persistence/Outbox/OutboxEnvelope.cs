using MassTransit;
using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Serialization;

namespace SagaWorkflow.Persistence.Outbox;

/// <summary>
/// An <see cref="OutboxMessage"/> row as MassTransit's <see cref="OutboxMessageSendPipe"/> reads it to send the stored
/// envelope again: same message id, body, headers and transport properties as the step produced.
/// </summary>
internal sealed class OutboxEnvelope : OutboxMessageContext
{
    private static readonly IReadOnlyDictionary<string, object> NoProperties = new Dictionary<string, object>();

    public OutboxEnvelope(OutboxMessage row)
    {
        Row = row;
        Destination = new Uri(row.DestinationAddress);
        Headers = row.Headers is { Length: > 0 } headers
            ? new DictionarySendHeaders(Deserialize<object?>(headers))
            : EmptyHeaders.Instance;
        Properties = row.Properties is { Length: > 0 } properties ? Deserialize<object>(properties) : NoProperties;
    }

    public OutboxMessage Row { get; }

    public Uri Destination { get; }

    public long SequenceNumber => 0;
    public Guid MessageId => Row.MessageId;
    public string ContentType => Row.ContentType;
    public string MessageType => Row.MessageType;
    public string Body => Row.Body;
    public IReadOnlyDictionary<string, object> Properties { get; }

    Guid? MessageContext.MessageId => Row.MessageId;
    public Guid? RequestId => Row.RequestId;
    public Guid? CorrelationId => Row.CorrelationId;
    public Guid? ConversationId => Row.ConversationId;
    public Guid? InitiatorId => Row.InitiatorId;
    public DateTime? ExpirationTime => Row.ExpirationTime;
    public Uri? SourceAddress => AddressOf(Row.SourceAddress);
    public Uri DestinationAddress => Destination;
    public Uri? ResponseAddress => AddressOf(Row.ResponseAddress);
    public Uri? FaultAddress => AddressOf(Row.FaultAddress);
    public DateTime? SentTime => Row.CreatedAt;
    public Headers Headers { get; }
    public HostInfo Host => HostMetadataCache.Host;

    private static Uri? AddressOf(string? address) => address is { Length: > 0 } ? new Uri(address) : null;

    // MassTransit's own deserializer turns JSON values back into the primitives (strings, numbers, booleans) it wrote.
    private static Dictionary<string, T> Deserialize<T>(string json) =>
        SystemTextJsonMessageSerializer.Instance.DeserializeObject<Dictionary<string, T>>(json) ?? [];
}
