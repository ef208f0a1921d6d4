using System.Collections.Concurrent;

namespace SagaWorkflow.Executors.Hosting;

/// <summary>
/// The attempts this process is running, by execution id: lets a redelivered copy of a running attempt be dropped
/// instead of run twice, lets <see cref="CancelNodeConsumer"/> stop an attempt that timed out, was cancelled or was
/// reassigned, feeds the heartbeat's in-flight list, and lets a drain wait for (or hand over) what still runs.
/// </summary>
public sealed class RunningExecutions
{
    private const int RememberedCancellations = 10_000;

    private readonly ConcurrentDictionary<string, Registration> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _cancelled = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _cancelledOrder = new();
    private readonly Lock _idleLock = new();
    private TaskCompletionSource? _idle;

    public int Count => _running.Count;

    public IReadOnlyList<string> ExecutionIds => _running.Keys.ToList();

    /// <summary>Registers an attempt; null when it already runs here. Dispose the result when the attempt ends.</summary>
    public Registration? TryStart(string executionId, CancellationToken consumeToken)
    {
        var registration = new Registration(this, executionId, CancellationTokenSource.CreateLinkedTokenSource(consumeToken));
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
        if (_cancelled.TryAdd(executionId, 0))
        {
            _cancelledOrder.Enqueue(executionId);
            while (_cancelledOrder.Count > RememberedCancellations && _cancelledOrder.TryDequeue(out var oldest))
                _cancelled.TryRemove(oldest, out _);
        }

        return _running.TryGetValue(executionId, out var registration) && registration.TryCancel(handOver: false);
    }

    public bool WasCancelled(string executionId) => _cancelled.ContainsKey(executionId);

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
