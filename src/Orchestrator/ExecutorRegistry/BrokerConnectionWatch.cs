using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace SagaWorkflow.Orchestrator.ExecutorRegistry;

/// <summary>
/// Watches this orchestrator's own receive endpoints for broker connection loss: an endpoint faults when its
/// connection drops and becomes ready again after MassTransit reconnects. While this process could not hear from the
/// broker, a missing heartbeat is no evidence that an executor died (its heartbeats had nowhere to go either), so
/// <see cref="ExecutorSteps"/> asks <see cref="CouldHearSince"/> before declaring an executor lost. Without this, every
/// executor would be declared lost at once when a restarted broker returns and every running node would run again.
/// </summary>
public sealed class BrokerConnectionWatch(TimeProvider time, ILogger<BrokerConnectionWatch> logger) : IReceiveEndpointObserver
{
    private readonly ConcurrentDictionary<Uri, DateTimeOffset> _faulted = new();
    private long _lastRecoveredTicks;

    /// <summary>When an endpoint of this process last reconnected after losing the broker (<c>null</c>: never).</summary>
    public DateTimeOffset? LastRecoveredAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastRecoveredTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>True when every endpoint has been connected without a break since <paramref name="since"/>.</summary>
    public bool CouldHearSince(DateTimeOffset since) => _faulted.IsEmpty && !(LastRecoveredAt >= since);

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (_faulted.TryRemove(ready.InputAddress, out var faultedAt))
        {
            var now = time.GetUtcNow();
            Interlocked.Exchange(ref _lastRecoveredTicks, now.UtcTicks);
            logger.LogWarning("Endpoint {Endpoint} reconnected to the broker after {Seconds:0.0} s", ready.InputAddress.AbsolutePath, (now - faultedAt).TotalSeconds);
        }

        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        _faulted.TryAdd(faulted.InputAddress, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
}
