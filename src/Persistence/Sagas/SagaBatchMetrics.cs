using System.Diagnostics.Metrics;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// Meter <c>SagaWorkflow.Sagas</c>: how many messages each saga transaction applied (exported at <c>/metrics</c> as
/// <c>sagaworkflow_saga_batch_messages</c>). Mostly 1; fan-ins show larger batches, up to the endpoint's concurrency.
/// And how often a batch was given up because a message in it failed while saves were pending
/// (<c>sagaworkflow_saga_batches_abandoned_total</c>; <see cref="SagaSaves"/>): its other messages were applied again.
/// </summary>
public static class SagaBatchMetrics
{
    public const string MeterName = "SagaWorkflow.Sagas";

    public static readonly Meter Meter = new(MeterName, typeof(SagaBatchMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Histogram<int> BatchMessages = Meter.CreateHistogram<int>("sagaworkflow.saga.batch_messages", "{message}",
        "Messages applied per committed saga transaction, by saga");

    private static readonly Counter<long> AbandonedBatches = Meter.CreateCounter<long>("sagaworkflow.saga.batches_abandoned", "{batch}",
        "Saga transactions given up because a message failed while other messages' saves were pending, by saga");

    internal static void Abandoned(string saga) => AbandonedBatches.Add(1, new KeyValuePair<string, object?>("saga", saga));

    internal static void Committed(string saga, int messages) => BatchMessages.Record(messages, new KeyValuePair<string, object?>("saga", saga));
}
