using System.Collections;

namespace SagaWorkflow.Persistence.Workflows;

/// <summary>
/// The node rows of one run, in definition order, found by node id in constant time. EF Core adds every loaded row
/// through <see cref="Contains"/> and <see cref="Add"/> while it fixes up the navigation: with a plain list that check
/// is a scan, so loading a run of n nodes cost n²/2 comparisons (a 10,000-node fan-out: 50 million per load).
/// </summary>
public sealed class NodeCollection : ICollection<WorkflowNodeState>, IReadOnlyList<WorkflowNodeState>
{
    private readonly List<WorkflowNodeState> _ordered = [];
    private readonly Dictionary<string, WorkflowNodeState> _byId = new(StringComparer.Ordinal);
    private readonly List<WorkflowNodeState> _touched = [];

    public NodeCollection()
    {
    }

    public NodeCollection(IEnumerable<WorkflowNodeState> nodes)
    {
        foreach (var node in nodes)
            Add(node);
    }

    public int Count => _ordered.Count;

    public bool IsReadOnly => false;

    public WorkflowNodeState this[int index] => _ordered[index];

    /// <summary>The node with this id, or null.</summary>
    public WorkflowNodeState? Find(string nodeId) => _byId.GetValueOrDefault(nodeId);

    /// <summary>Adds a node at the end; adding the same node again does nothing, another node with its id is refused.</summary>
    public void Add(WorkflowNodeState item)
    {
        if (_byId.TryAdd(item.NodeId, item))
        {
            _ordered.Add(item);
            item.OnTouched = _touched.Add;
            if (item.Touched)
                _touched.Add(item); // changed before it joined the run
        }
        else if (!ReferenceEquals(_byId[item.NodeId], item))
            throw new InvalidOperationException($"workflow {item.WorkflowId} already has a node '{item.NodeId}'");
    }

    public bool Contains(WorkflowNodeState item) => _byId.TryGetValue(item.NodeId, out var node) && ReferenceEquals(node, item);

    public bool Remove(WorkflowNodeState item)
    {
        if (!Contains(item))
            return false;
        _byId.Remove(item.NodeId);
        _touched.Remove(item);
        item.OnTouched = null;
        return _ordered.Remove(item);
    }

    public void Clear()
    {
        _ordered.Clear();
        _byId.Clear();
        _touched.Clear();
    }

    /// <summary>The nodes changed since the last save, each once, in the order they were first changed.</summary>
    internal IReadOnlyList<WorkflowNodeState> TouchedSinceSave => _touched;

    /// <summary>The repository saved every touched node.</summary>
    internal void SavedAll()
    {
        foreach (var node in _touched)
            node.MarkSaved();
        _touched.Clear();
    }

    public void CopyTo(WorkflowNodeState[] array, int arrayIndex) => _ordered.CopyTo(array, arrayIndex);

    public List<WorkflowNodeState>.Enumerator GetEnumerator() => _ordered.GetEnumerator();

    IEnumerator<WorkflowNodeState> IEnumerable<WorkflowNodeState>.GetEnumerator() => _ordered.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _ordered.GetEnumerator();
}
