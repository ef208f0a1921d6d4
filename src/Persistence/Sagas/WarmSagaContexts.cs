namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// DbContexts kept after their commit with a wide saga still tracked in them (a run of hundreds or thousands of nodes),
/// so the next transaction of that saga in this process reuses the rows instead of reading every node row again: a
/// fan-out of n children otherwise reads n rows for each of its (about n / batch size) transactions. The row loader
/// reuses the instance only when the saga row's version, read under the row lock, is still the one it saved; anything
/// else (another orchestrator wrote it, a failed transaction) falls back to a full load. At most
/// <see cref="Capacity"/> contexts are kept; the least recently used one is disposed to make room.
/// A context taken out is in use until its transaction keeps it again or <see cref="Release"/>s it. The next transaction
/// of the same saga waits for it meanwhile instead of reading every row afresh: results keep arriving while a batch
/// saves and commits, and they open the next batch then (measured on a 9,998-child fan-out on MySQL: nearly every batch
/// of results read all 10,000 node rows again, 46 % of the orchestrator's CPU). The wait costs nothing: that transaction
/// would wait for the saga's row lock anyway.
/// </summary>
public sealed class WarmSagaContexts<TSaga> : IDisposable
    where TSaga : class, IVersionedSaga
{
    /// <summary>How many sagas stay warm at once: enough for the wide runs in flight, bounded memory.</summary>
    public const int Capacity = 16;

    /// <summary>How long a transaction waits for the context its saga's previous transaction still holds.</summary>
    public static readonly TimeSpan ReturnTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<Guid, LinkedListNode<(Guid Id, WorkflowDbContext Db)>> _byId = [];
    private readonly LinkedList<(Guid Id, WorkflowDbContext Db)> _recent = new();
    // Sagas whose kept context a transaction has taken out; the signal is made when someone waits for its return.
    private readonly Dictionary<Guid, TaskCompletionSource?> _inUse = [];
    private readonly Lock _lock = new();

    /// <summary>
    /// The context kept for this saga, taken out (one transaction uses it at a time; give it back with <see cref="Keep"/>
    /// or <see cref="Release"/>), or null. While another transaction holds it, waits for it first.
    /// </summary>
    public async ValueTask<WorkflowDbContext?> TakeAsync(Guid? correlationId, CancellationToken cancellationToken)
    {
        if (correlationId is not { } id)
            return null;
        var deadline = DateTime.UtcNow + ReturnTimeout;
        while (true)
        {
            Task returned;
            lock (_lock)
            {
                if (_byId.Remove(id, out var node))
                {
                    _recent.Remove(node);
                    _inUse[id] = null;
                    return node.Value.Db;
                }

                if (!_inUse.TryGetValue(id, out var signal))
                    return null;
                if (signal is null)
                    _inUse[id] = signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                returned = signal.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                return null;
            try
            {
                await returned.WaitAsync(left, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null; // read afresh: the row lock still orders the two transactions
            }
        }
    }

    /// <summary>A context taken out is not kept (the saga ended, or its transaction failed): whoever waits for it reads afresh.</summary>
    public void Release(Guid id)
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (!_inUse.Remove(id, out signal))
                return;
        }

        signal?.TrySetResult();
    }

    /// <summary>Keeps <paramref name="db"/> for the saga's next transaction; disposes what no longer fits.</summary>
    public void Keep(Guid id, WorkflowDbContext db)
    {
        WorkflowDbContext? evicted = null;
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (_byId.Remove(id, out var old))
            {
                _recent.Remove(old);
                evicted = old.Value.Db;
            }
            else if (_byId.Count >= Capacity && _recent.Last is { } oldest)
            {
                _recent.RemoveLast();
                _byId.Remove(oldest.Value.Id);
                evicted = oldest.Value.Db;
            }

            _byId[id] = _recent.AddFirst((id, db));
            _inUse.Remove(id, out signal);
        }

        signal?.TrySetResult();
        evicted?.Dispose();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (_, db) in _recent)
                db.Dispose();
            _recent.Clear();
            _byId.Clear();
            foreach (var signal in _inUse.Values)
                signal?.TrySetResult();
            _inUse.Clear();
        }
    }
}
