namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>
/// How many attempts of one node queue may run at once, changeable while they run. Raising it lets waiting deliveries
/// start at once; lowering it stops new starts until fewer than the new limit run (running attempts are never
/// interrupted). Grants and changes are stamped under one lock, so an attempt whose start is stamped after a change
/// was granted under the new limit.
/// </summary>
/// <remarks>
/// MassTransit's own runtime-adjustable limiter (<c>UseConcurrencyLimit</c> with a management endpoint) is driven by
/// <c>SetConcurrencyLimit</c> messages that every executor listening would apply, and its transport limit on RabbitMQ
/// (<c>ConcurrentMessageLimit</c>) is fixed when the channel opens; this one is set per executor and per queue, and can
/// be closed for a drain.
/// </remarks>
public sealed class CapacityLimit(int limit, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource<DateTime?>> _waiting = [];
    private int _limit = limit;
    private int _inUse;
    private bool _closed;

    public int Limit
    {
        get { lock (_lock) return _limit; }
    }

    public int InUse
    {
        get { lock (_lock) return _inUse; }
    }

    public int Waiting
    {
        get { lock (_lock) return _waiting.Count; }
    }

    /// <summary>
    /// Waits for a slot; returns when it was granted (the attempt's start), or null once the limit is closed (the
    /// executor drains): the delivery is then handed back unstarted. Release a granted slot with <see cref="Release"/>.
    /// </summary>
    public Task<DateTime?> AcquireAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_closed)
                return Task.FromResult<DateTime?>(null);
            if (_inUse < _limit && _waiting.Count == 0)
            {
                _inUse++;
                return Task.FromResult<DateTime?>(Now);
            }

            var waiter = new TaskCompletionSource<DateTime?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var node = _waiting.AddLast(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                // Disposed when the waiter ends either way, so a long-lived delivery token does not keep it.
                var registration = cancellationToken.Register(() =>
                {
                    lock (_lock)
                    {
                        if (node.List is not null)
                            _waiting.Remove(node);
                    }

                    waiter.TrySetCanceled(cancellationToken);
                });
                _ = waiter.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
            }

            return waiter.Task;
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            _inUse--;
            GrantWaiting();
        }
    }

    /// <summary>Sets the limit; returns when it took effect (the time a later grant is compared with).</summary>
    public DateTime SetLimit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            _limit = limit;
            GrantWaiting();
            return Now;
        }
    }

    /// <summary>No more grants: every waiting delivery, and every later one, is told to hand its attempt back.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            foreach (var waiter in _waiting)
                waiter.TrySetResult(null);
            _waiting.Clear();
        }
    }

    private void GrantWaiting()
    {
        while (!_closed && _inUse < _limit && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            // A waiter cancelled a moment ago (its delivery's connection dropped) takes no slot.
            if (first.Value.TrySetResult(Now))
                _inUse++;
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
