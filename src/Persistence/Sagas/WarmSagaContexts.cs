namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// DbContexts kept after their commit with a wide saga still tracked in them (a run of hundreds or thousands of nodes),
/// so the next transaction of that saga in this process reuses the rows instead of reading every node row again: a
/// fan-out of n children otherwise reads n rows for each of its (about n / batch size) transactions. The row loader
/// reuses the instance only when the saga row's version, read under the row lock, is still the one it saved; anything
/// else (another orchestrator wrote it, a failed transaction) falls back to a full load. At most
/// <see cref="Capacity"/> contexts are kept; the least recently used one is disposed to make room.
/// </summary>
public sealed class WarmSagaContexts<TSaga> : IDisposable
    where TSaga : class, IVersionedSaga
{
    /// <summary>How many sagas stay warm at once: enough for the wide runs in flight, bounded memory.</summary>
    public const int Capacity = 16;

    private readonly Dictionary<Guid, LinkedListNode<(Guid Id, WorkflowDbContext Db)>> _byId = [];
    private readonly LinkedList<(Guid Id, WorkflowDbContext Db)> _recent = new();
    private readonly Lock _lock = new();

    /// <summary>The context kept for this saga, taken out (one transaction uses it at a time), or null.</summary>
    public WorkflowDbContext? Take(Guid? correlationId)
    {
        if (correlationId is not { } id)
            return null;
        lock (_lock)
        {
            if (!_byId.Remove(id, out var node))
                return null;
            _recent.Remove(node);
            return node.Value.Db;
        }
    }

    /// <summary>Keeps <paramref name="db"/> for the saga's next transaction; disposes what no longer fits.</summary>
    public void Keep(Guid id, WorkflowDbContext db)
    {
        WorkflowDbContext? evicted = null;
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
        }

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
        }
    }
}
