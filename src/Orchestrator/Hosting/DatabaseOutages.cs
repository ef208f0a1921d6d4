namespace SagaWorkflow.Orchestrator.Hosting;

/// <summary>
/// When this process last met the database away (a saga message waiting out an outage in <see cref="DatabaseRetry"/>).
/// Heartbeats that arrived during an outage could not be recorded, so a heartbeat timeout right after one is no
/// evidence that an executor died (see <c>ExecutorSteps.MissedWhileCutOff</c>). Process-wide by nature: one process
/// has one view of its database.
/// </summary>
public static class DatabaseOutages
{
    private static long _lastSeenTicks;

    public static DateTimeOffset? LastSeenAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastSeenTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public static void Seen(TimeProvider time) => Interlocked.Exchange(ref _lastSeenTicks, time.GetUtcNow().UtcTicks);
}
