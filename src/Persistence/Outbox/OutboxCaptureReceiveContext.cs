using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;

namespace SagaWorkflow.Persistence.Outbox;

/// <summary>
/// The receive context a <see cref="TransactionalOutboxContext"/> runs on: its send and publish endpoints are
/// MassTransit's outbox endpoints, which build each message's send context and hand it to a capture instead of the
/// broker. Two captures, so a publish is known to be one when it is sent after the commit.
/// </summary>
internal sealed class OutboxCaptureReceiveContext(ReceiveContext context, OutboxSendContext sends, OutboxSendContext publishes)
    : ReceiveContextProxy(context)
{
    public override ISendEndpointProvider SendEndpointProvider { get; } = new OutboxSendEndpointProvider(sends, context.SendEndpointProvider);

    public override IPublishEndpointProvider PublishEndpointProvider { get; } = new OutboxPublishEndpointProvider(publishes, context.PublishEndpointProvider);
}
