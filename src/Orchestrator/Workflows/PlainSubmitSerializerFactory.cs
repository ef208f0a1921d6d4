using System.Net.Mime;
using System.Runtime.Serialization;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Serialization;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// MassTransit's raw JSON deserializer for <c>workflow-submit</c>, with one case said plainly: an empty body. The raw
/// deserializer fails on it with "Operation is not valid due to the current state of the object", which is what a
/// client would read in <c>MT-Fault-Message</c>; everything else it already reports with the parser's own words.
/// </summary>
public sealed class PlainSubmitSerializerFactory : ISerializerFactory
{
    private readonly SystemTextJsonRawMessageSerializerFactory _raw = new(RawSerializerOptions.AnyMessageType);

    public ContentType ContentType => _raw.ContentType;

    public IMessageSerializer CreateSerializer() => _raw.CreateSerializer();

    public IMessageDeserializer CreateDeserializer() => new Deserializer(_raw.CreateDeserializer());

    private sealed class Deserializer(IMessageDeserializer raw) : IMessageDeserializer
    {
        public ContentType ContentType => raw.ContentType;

        public ConsumeContext Deserialize(ReceiveContext receiveContext) =>
            (receiveContext.Body.Length ?? receiveContext.Body.GetBytes().Length) == 0
                ? throw new SerializationException("The message body is empty; workflow-submit takes a StartWorkflow as JSON (docs/operations.md).")
                : raw.Deserialize(receiveContext);

        public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null) =>
            raw.Deserialize(body, headers, destinationAddress);

        public MessageBody GetMessageBody(string text) => raw.GetMessageBody(text);

        public void Probe(ProbeContext context) => raw.Probe(context);
    }
}
