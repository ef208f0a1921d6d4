using System.Collections.Concurrent;

namespace SagaWorkflow.Executors.Hosting;

/// <summary>
/// The attempts this process is running, by execution id: lets a redelivered copy of a running attempt be dropped
/// instead of run twice, and lets <see cref="CancelNodeConsumer"/> stop an attempt that timed out or was cancelled.
/// </summary>
public sealed class RunningExecutions
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>Registers an attempt; null when it already runs here. Dispose the result when the attempt ends.</summary>
    public Registration? TryStart(string executionId, CancellationToken consumeToken)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(consumeToken);
        if (_running.TryAdd(executionId, cancellation))
            return new Registration(this, executionId, cancellation);
        cancellation.Dispose();
        return null;
    }

    public bool Cancel(string executionId)
    {
        if (!_running.TryGetValue(executionId, out var cancellation))
            return false;
        try
        {
            cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        return true;
    }

    public sealed class Registration(RunningExecutions owner, string executionId, CancellationTokenSource cancellation) : IDisposable
    {
        public CancellationToken Token => cancellation.Token;

        public void Dispose()
        {
            owner._running.TryRemove(executionId, out _);
            cancellation.Dispose();
        }
    }
}
