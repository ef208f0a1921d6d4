using System.Data.Common;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Sagas;

namespace SagaWorkflow.Orchestrator.Hosting;

/// <summary>The retries every database-backed endpoint uses: one for conflicts, one for the database being away.</summary>
public static class DatabaseRetry
{
    /// <summary>
    /// Call it before the outbox, so a retried attempt re-runs the consumer and re-buffers its sends, and a failed one
    /// sends nothing; what still fails lands in the endpoint's error queue.
    /// <list type="bullet">
    /// <item>Outer: the database away (<see cref="DatabaseFailures.IsOutage"/>: down, restarting, connections dropped or
    /// refused) is waited for, from 250 ms up to 5 s between tries, for about two minutes. A restart of
    /// the server is routine; its messages must not end in an error queue (and their workflows stall) after seconds.</item>
    /// <item>Inner: conflicts, deadlocks and other database errors, ten tries from 20 ms up to 2 s; also a message whose
    /// saga batch was given up because another message in it failed (<see cref="SagaBatchAbandonedException"/>).</item>
    /// </list>
    /// </summary>
    public static void UseDatabaseRetry(this IReceiveEndpointConfigurator endpoint)
    {
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<Exception>(e =>
            {
                if (!DatabaseFailures.IsOutage(e))
                    return false;
                DatabaseOutages.Seen(TimeProvider.System);
                Metrics.OperationsMetrics.StoreError(unavailable: true);
                return true;
            });
            r.Exponential(OutageTries, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(250));
        });
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<DbUpdateException>(e => Failed(e));
            r.Handle<DbException>(e => Failed(e));
            // Applied in a saga batch that another message's failure rolled back: not this message's fault, nor the store's.
            r.Handle<Exception>(e => Abandoned(e));
            r.Exponential(10, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));
        });
    }

    private static bool Abandoned(Exception e)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            if (cause is SagaBatchAbandonedException)
                return true;
        }

        return false;
    }

    private static bool Failed(Exception e)
    {
        if (DatabaseFailures.IsOutage(e))
            return false;
        Metrics.OperationsMetrics.StoreError(unavailable: false);
        return true;
    }

    // 250 ms, 500 ms, ... up to 5 s, then 5 s each: 28 tries add up to about two minutes.
    private const int OutageTries = 28;
}
