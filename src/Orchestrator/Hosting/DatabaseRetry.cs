using System.Data.Common;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace SagaWorkflow.Orchestrator.Hosting;

/// <summary>The retry every database-backed endpoint uses: conflicts, deadlocks and dropped connections are retried with backoff.</summary>
public static class DatabaseRetry
{
    /// <summary>
    /// Ten tries from 20 ms up to 2 s. Call it before the outbox, so a retried attempt re-runs the consumer and
    /// re-buffers its sends, and a failed one sends nothing; what still fails lands in the endpoint's error queue.
    /// </summary>
    public static void UseDatabaseRetry(this IReceiveEndpointConfigurator endpoint) =>
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<DbUpdateException>();
            r.Handle<DbException>();
            r.Exponential(10, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));
        });
}
