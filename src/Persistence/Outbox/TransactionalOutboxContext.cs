using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Transports;

namespace SagaWorkflow.Persistence.Outbox;

/// <summary>
/// What a message's consumer (a saga step) sees instead of the bus: every send, publish and scheduled message becomes an
/// <see cref="OutboxMessage"/> row in memory, kept with the typed message (<see cref="CapturedMessage"/>). The saga repository writes the rows in the step's transaction (<see cref="StageInto"/>);
/// after the commit <see cref="TransactionalOutboxFilter"/> hands them to <see cref="OutboxDelivery"/>. Found by the
/// repository as a payload of the consume context: a proxy answers for its own type.
/// </summary>
public sealed class TransactionalOutboxContext : ConsumeContextProxy
{
    private readonly ConsumeContext _captured;
    private readonly IServiceProvider _services;
    private readonly OutboxDelivery _delivery;
    private readonly List<CapturedMessage> _pending = [];
    private readonly List<CapturedMessage> _stored = [];

    public TransactionalOutboxContext(ConsumeContext context, OutboxDelivery delivery, IServiceProvider services)
        : base(context)
    {
        _captured = context;
        _services = services;
        _delivery = delivery;
        var receive = new OutboxCaptureReceiveContext(context.ReceiveContext, new Capture(this, published: false), new Capture(this, published: true));
        ReceiveContext = receive;
        PublishEndpointProvider = receive.PublishEndpointProvider;
        // Timers too: ScheduleSend and CancelScheduledSend are commands to the scheduler queue, sent through this context.
        if (context.TryGetPayload(out MessageSchedulerContext? scheduler))
        {
            context.AddOrUpdatePayload<MessageSchedulerContext>(
                () => new ConsumeMessageSchedulerContext(this, scheduler.SchedulerFactory),
                existing => new ConsumeMessageSchedulerContext(this, existing.SchedulerFactory));
        }
    }

    /// <summary>Messages written in the step's transaction: after its commit they are in the database until delivered.</summary>
    internal IReadOnlyList<CapturedMessage> Stored => _stored;

    /// <summary>Messages no transaction took (a consumer outside the saga repository): delivered straight from memory.</summary>
    internal IReadOnlyList<CapturedMessage> Pending => _pending;

    /// <summary>
    /// Adds the rows captured since the last call to <paramref name="db"/>, so the step's next save writes them with its
    /// own rows (one batch). Returns the rows added, for the caller to detach once saved.
    /// </summary>
    public IReadOnlyList<OutboxMessage> StageInto(WorkflowDbContext db)
    {
        if (_pending.Count == 0)
            return [];
        var staged = _pending.ConvertAll(message => message.Row);
        db.Set<OutboxMessage>().AddRange(staged);
        _stored.AddRange(_pending);
        _pending.Clear();
        return staged;
    }

    private void Add<T>(SendContext<T> context, bool published)
        where T : class
    {
        if (context.MessageId is not { } messageId)
            throw new MessageException(typeof(T), "an outbox message needs a MessageId");
        var row = new OutboxMessage
        {
            MessageId = messageId,
            OwnerId = _delivery.OwnerId,
            CreatedAt = DateTime.UtcNow,
            DestinationAddress = (context.DestinationAddress ?? throw new MessageException(typeof(T), "an outbox message needs a destination")).ToString(),
            MessageType = string.Join(';', context.SupportedMessageTypes),
            ContentType = (context.ContentType ?? context.Serialization.DefaultContentType).ToString(),
            Body = context.Serializer.GetMessageBody(context).GetString(),
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress?.ToString(),
            ResponseAddress = context.ResponseAddress?.ToString(),
            FaultAddress = context.FaultAddress?.ToString(),
            ExpirationTime = context.TimeToLive is { } ttl ? DateTime.UtcNow + ttl : null,
        };
        var headers = context.Headers.GetAll().ToList();
        if (headers.Count > 0)
            row.Headers = SerializerContext.SerializeDictionary(headers);
        if (context is TransportSendContext<T> transport)
        {
            var properties = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            transport.WritePropertiesTo(properties);
            if (properties.Count > 0)
                row.Properties = SerializerContext.SerializeDictionary(properties);
        }

        _pending.Add(CapturedMessage.Of(row, context, published));
    }

    // MassTransit hands a capture to send filters as their service provider: the consume scope's when there is one,
    // else the container.
    private object? GetService(Type serviceType) =>
        (_captured.TryGetPayload<IServiceProvider>(out var scoped) ? scoped : _services).GetService(serviceType);

    private sealed class Capture(TransactionalOutboxContext outbox, bool published) : OutboxSendContext
    {
        public Task AddSend<T>(SendContext<T> context)
            where T : class
        {
            outbox.Add(context, published);
            return Task.CompletedTask;
        }

        public object? GetService(Type serviceType) => outbox.GetService(serviceType);
    }
}
