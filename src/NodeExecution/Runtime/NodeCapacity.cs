using Microsoft.Extensions.Options;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>
/// The executor's concurrency, changeable at runtime: one <see cref="CapacityLimit"/> per node queue (a capability,
/// pool or own queue), all at the same value, as <c>Executor:Concurrency</c> counts per queue. Starts from
/// configuration; <see cref="SetExecutorCapacityConsumer"/> changes it, heartbeats report it. Not persisted: a restarted
/// process starts from configuration again.
/// </summary>
public sealed class NodeCapacity(IOptions<ExecutorOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Uri, CapacityLimit> _queues = [];
    private int? _concurrency;
    private bool _closed;

    /// <summary>Attempts allowed at once per queue now.</summary>
    public int Concurrency
    {
        get { lock (_lock) return _concurrency ?? options.Value.Concurrency; }
    }

    /// <summary>The highest value <see cref="Set"/> takes: the prefetch each queue was subscribed with.</summary>
    public int MaxConcurrency => options.Value.EffectiveMaxConcurrency;

    /// <summary>Deliveries waiting for a slot, all queues together (more than 0 only while the limit is below the prefetch).</summary>
    public int Waiting
    {
        get { lock (_lock) return _queues.Values.Sum(q => q.Waiting); }
    }

    /// <summary>The limit of the queue a delivery came from (by its endpoint's input address), created on first use.</summary>
    public CapacityLimit For(Uri queue)
    {
        lock (_lock)
        {
            if (!_queues.TryGetValue(queue, out var limit))
            {
                limit = new CapacityLimit(_concurrency ?? options.Value.Concurrency, time);
                if (_closed)
                    limit.Close();
                _queues.Add(queue, limit);
            }

            return limit;
        }
    }

    /// <summary>Applies <paramref name="concurrency"/> to every queue; returns the previous value and when the last queue took it.</summary>
    public (int Previous, DateTime AppliedAt) Set(int concurrency)
    {
        lock (_lock)
        {
            var previous = _concurrency ?? options.Value.Concurrency;
            _concurrency = concurrency;
            var appliedAt = time.GetUtcNow().UtcDateTime;
            foreach (var limit in _queues.Values)
                appliedAt = limit.SetLimit(concurrency);
            return (previous, appliedAt);
        }
    }

    /// <summary>A drain began: deliveries waiting for a slot, and any later one, are handed back instead of started.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            foreach (var limit in _queues.Values)
                limit.Close();
        }
    }
}
