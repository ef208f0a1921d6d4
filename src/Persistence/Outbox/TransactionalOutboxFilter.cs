using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace SagaWorkflow.Persistence.Outbox;

/// <summary>
/// The transactional outbox on a receive endpoint: the consumer runs on a <see cref="TransactionalOutboxContext"/>, so
/// nothing it sends reaches the broker before its transaction has committed; then the rows are delivered and deleted
/// (<see cref="OutboxDelivery"/>). A consumer that fails sends nothing. Put it inside the endpoint's retry filters, so a
/// retried attempt starts with an empty outbox.
/// </summary>
public sealed class TransactionalOutboxFilter(OutboxDelivery delivery, IServiceProvider services) : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        var outbox = new TransactionalOutboxContext(context, delivery, services);
        try
        {
            await next.Send(outbox).ConfigureAwait(false);
        }
        catch when (outbox.Stored.Count > 0)
        {
            // Usually the transaction rolled back and the rows are gone; but a failure after the commit would leave them
            // stored under this live owner, which nobody else takes over: the delivery loop looks them up and sends those
            // that exist.
            delivery.DeliverIfCommitted(outbox.Stored);
            throw;
        }

        // Committed (or nothing to commit): from here the messages must go out, and a broker that refuses them now does
        // not undo the step. Stored rows that fail to send stay in the database for the delivery service to retry.
        await delivery.DeliverCommittedAsync(outbox.Stored, context.CancellationToken).ConfigureAwait(false);
        // Sends no transaction took in (a consumer that does not save through the saga repository) are delivered from
        // memory, as MassTransit's in-memory outbox would: a failure faults the message, which is retried.
        await delivery.DeliverUnstoredAsync(outbox.Pending, context.CancellationToken).ConfigureAwait(false);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("transactional-outbox");
}

/// <summary>Endpoint configuration: <c>endpoint.UseTransactionalOutbox(context)</c>, after <c>UseDatabaseRetry</c>.</summary>
public static class TransactionalOutboxConfiguration
{
    public static void UseTransactionalOutbox(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context) =>
        endpoint.UseFilter(new TransactionalOutboxFilter(context.GetRequiredService<OutboxDelivery>(), context));
}
