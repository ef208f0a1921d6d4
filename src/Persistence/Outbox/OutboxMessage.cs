namespace SagaWorkflow.Persistence.Outbox;

/// <summary>
/// One message a saga step sent or published, stored in the transaction that saved the step (<c>outbox_messages</c>),
/// and deleted once the broker has it. A row outlives its step only while its owner delivers it, or when its owner died
/// between the commit and the send; then another orchestrator delivers it (<see cref="OutboxRecovery"/>).
/// </summary>
public class OutboxMessage
{
    /// <summary>The message's own MessageId: a redelivery carries the same id, so consumers and operators can tell.</summary>
    public Guid MessageId { get; set; }

    /// <summary>The orchestrator process that wrote it and delivers it (<see cref="OutboxOwner"/>).</summary>
    public Guid OwnerId { get; set; }

    /// <summary>When the step stored it (UTC): recovery delivers a dead owner's rows oldest first.</summary>
    public DateTime CreatedAt { get; set; }

    public string DestinationAddress { get; set; } = "";

    /// <summary>The message's types, <c>;</c>-separated URNs, as MassTransit's envelope lists them (for SQL, not for sending).</summary>
    public string MessageType { get; set; } = "";

    public string ContentType { get; set; } = "";

    /// <summary>The serialized envelope, exactly as it goes to the broker.</summary>
    public string Body { get; set; } = "";

    /// <summary>Headers as a JSON object, or null when there are none.</summary>
    public string? Headers { get; set; }

    /// <summary>Transport properties (RabbitMQ routing key, persistence...) as a JSON object, or null.</summary>
    public string? Properties { get; set; }

    public Guid? ConversationId { get; set; }
    public Guid? CorrelationId { get; set; }
    public Guid? InitiatorId { get; set; }
    public Guid? RequestId { get; set; }
    public string? SourceAddress { get; set; }
    public string? ResponseAddress { get; set; }
    public string? FaultAddress { get; set; }
    public DateTime? ExpirationTime { get; set; }
}
