using System.Collections.Concurrent;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>
/// The attempts this process is running, by execution id: lets a redelivered copy of a running attempt be dropped
/// instead of run twice (and a copy of one that finished here be answered with its result instead of run again), lets <see cref="CancelNodeConsumer"/> stop an attempt that timed out, was cancelled or was
/// reassigned, feeds the heartbeat's in-flight list, and lets a drain wait for (or hand over) what still runs.
/// </summary>
public sealed class RunningExecutions
{
    private const int RememberedCancellations = 10_000;

    // Fewer than cancellations: each keeps its result message, output included. A copy arrives within a broker outage
    // or so of the finish, while a process with the default concurrency finishes a few hundred attempts at most.
    private const int RememberedResults = 2_000;

    private readonly ConcurrentDictionary<string, Registration> _running = new(StringComparer.Ordinal);
    private readonly RecentIds<byte> _cancelled = new(RememberedCancellations);
    private readonly RecentIds<object> _finished = new(RememberedResults);
    private readonly Lock _idleLock = new();
    private TaskCompletionSource? _idle;

    public int Count => _running.Count;

    public IReadOnlyList<string> ExecutionIds => _running.Keys.ToList();

    /// <summary>
    /// Registers an attempt; null when it already runs here. Dispose the result when the attempt ends. Its token is
    /// cancelled only by <see cref="Cancel"/> or <see cref="HandOverAll"/>, never by the delivery's own token: that one
    /// is cancelled when the broker connection drops, and a broker restart is no reason to stop (or fail) user work.
    /// </summary>
    public Registration? TryStart(string executionId)
    {
        var registration = new Registration(this, executionId, new CancellationTokenSource());
        if (_running.TryAdd(executionId, registration))
            return registration;
        registration.DisposeToken();
        return null;
    }

    /// <summary>
    /// Stops the attempt if it runs here, and remembers the id either way: a copy of it that reaches this process later
    /// (a redelivery after its old executor's connection dropped) is superseded and must not start.
    /// </summary>
    public bool Cancel(string executionId)
    {
        _cancelled.TryAdd(executionId, 0);
        return _running.TryGetValue(executionId, out var registration) && registration.TryCancel(handOver: false);
    }

    public bool WasCancelled(string executionId) => _cancelled.Contains(executionId);

    /// <summary>Keeps the result message of an attempt that ended here, for a copy of its command that arrives later.</summary>
    public void Finished(string executionId, object result) => _finished.TryAdd(executionId, result);

    /// <summary>The result this process already reported for <paramref name="executionId"/>, if it ran here recently.</summary>
    public bool TryGetFinished(string executionId, out object result) => _finished.TryGet(executionId, out result);

    /// <summary>Cancels every running attempt as handed over (drain deadline); returns how many.</summary>
    public int HandOverAll() => _running.Values.Count(r => r.TryCancel(handOver: true));

    /// <summary>Completes when nothing runs here.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_idleLock)
        {
            if (_running.IsEmpty)
                return Task.CompletedTask;
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    private void Remove(string executionId)
    {
        _running.TryRemove(executionId, out _);
        lock (_idleLock)
        {
            if (_running.IsEmpty && _idle is { } idle)
            {
                _idle = null;
                idle.TrySetResult();
            }
        }
    }

    public sealed class Registration(RunningExecutions owner, string executionId, CancellationTokenSource cancellation) : IDisposable
    {
        public CancellationToken Token => cancellation.Token;

        /// <summary>Cancelled because a draining executor gave the attempt back, not because the orchestrator asked.</summary>
        public bool HandedOver { get; private set; }

        internal bool TryCancel(bool handOver)
        {
            try
            {
                if (cancellation.IsCancellationRequested)
                    return false;
                HandedOver = handOver;
                cancellation.Cancel();
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        internal void DisposeToken() => cancellation.Dispose();

        public void Dispose()
        {
            owner.Remove(executionId);
            cancellation.Dispose();
        }
    }
}
