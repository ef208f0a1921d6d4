using System.Diagnostics.Metrics;
using SagaWorkflow.Persistence.Sagas;

namespace SagaWorkflow.Persistence.Outbox;

/// <summary>Counters of the transactional outbox, on the <c>SagaWorkflow.Sagas</c> meter (exported at <c>/metrics</c>).</summary>
internal static class OutboxMetrics
{
    private static readonly Counter<long> Failed = SagaBatchMetrics.Meter.CreateCounter<long>("sagaworkflow.outbox.delivery_failures", "{message}",
        "Outbox messages the broker did not take right after their commit (kept and retried)");
    private static readonly Counter<long> Recovered = SagaBatchMetrics.Meter.CreateCounter<long>("sagaworkflow.outbox.recovered", "{message}",
        "Outbox messages delivered for an orchestrator taken for dead");

    public static void DeliveryFailed() => Failed.Add(1);
    public static void RecoveredFromDeadOwner(int count) => Recovered.Add(count);
}
