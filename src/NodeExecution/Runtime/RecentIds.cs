using System.Collections.Concurrent;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>
/// The last <c>capacity</c> execution ids this process saw end in some way, with a value each: enough to recognise a
/// redelivered copy that arrives minutes later, bounded so a long-lived executor does not grow without end.
/// </summary>
internal sealed class RecentIds<TValue>(int capacity)
{
    private readonly ConcurrentDictionary<string, TValue> _values = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public bool TryAdd(string executionId, TValue value)
    {
        if (!_values.TryAdd(executionId, value))
            return false;
        _order.Enqueue(executionId);
        while (_order.Count > capacity && _order.TryDequeue(out var oldest))
            _values.TryRemove(oldest, out _);
        return true;
    }

    public bool Contains(string executionId) => _values.ContainsKey(executionId);

    public bool TryGet(string executionId, out TValue value) => _values.TryGetValue(executionId, out value!);
}
