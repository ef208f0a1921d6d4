using System.Text.Json;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// DAG bookkeeping over the node rows of one workflow: which nodes are ready, which results still count,
/// when the run is complete. Plain C# so it is unit-tested without MassTransit; the state machine only asks it.
/// </summary>
public sealed class WorkflowGraph
{
    private readonly Dictionary<string, WorkflowNodeState> _nodes;
    private readonly Dictionary<string, string[]> _dependencies;
    private readonly Dictionary<string, List<string>> _dependants;

    /// <summary>A graph whose edges are read from each node's <c>depends_on_json</c> (for tests and tools; sagas use the cached definition).</summary>
    public WorkflowGraph(IEnumerable<WorkflowNodeState> nodes)
        : this(nodes.ToList(), null)
    {
    }

    /// <summary>A graph over <paramref name="nodes"/> with the edges of their definition (<see cref="RunDefinition.Dependencies"/>).</summary>
    public WorkflowGraph(IReadOnlyCollection<WorkflowNodeState> nodes, IReadOnlyDictionary<string, string[]>? dependencies)
    {
        _nodes = nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        _dependencies = _nodes.Values.ToDictionary(
            n => n.NodeId,
            n => dependencies?.GetValueOrDefault(n.NodeId) ?? JsonSerializer.Deserialize<string[]>(n.DependsOnJson) ?? [],
            StringComparer.Ordinal);
        _dependants = _nodes.Keys.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (id, edges) in _dependencies)
        {
            foreach (var dependency in edges)
                _dependants[dependency].Add(id);
        }
    }

    /// <summary>
    /// The graph of this message's saga, built once per message (and again for a fresh instance when a delivery is
    /// retried), with the edges of its cached definition.
    /// </summary>
    public static WorkflowGraph Of(MassTransit.BehaviorContext<WorkflowState> context)
    {
        var holder = context.GetOrAddPayload(() => new Holder());
        if (!ReferenceEquals(holder.Nodes, context.Saga.Nodes))
        {
            holder.Nodes = context.Saga.Nodes;
            holder.Graph = new WorkflowGraph(context.Saga.Nodes, RunDefinition.Of(context.Saga).Dependencies);
        }

        return holder.Graph!;
    }

    private sealed class Holder
    {
        public List<WorkflowNodeState>? Nodes { get; set; }
        public WorkflowGraph? Graph { get; set; }
    }

    public IReadOnlyCollection<WorkflowNodeState> Nodes => _nodes.Values;

    public WorkflowNodeState? Find(string nodeId) => _nodes.GetValueOrDefault(nodeId);

    public IReadOnlyList<string> DependenciesOf(string nodeId) => _dependencies[nodeId];

    public bool AllSucceeded => _nodes.Values.All(n => n.State == NodeStatus.Succeeded);

    /// <summary>Pending nodes whose dependencies have all succeeded, in definition order.</summary>
    public IReadOnlyList<WorkflowNodeState> ReadyNodes() =>
        _nodes.Values.Where(IsReady).OrderBy(n => n.Ordinal).ToList();

    /// <summary>
    /// The dependants of <paramref name="nodeId"/> that its success made ready. Looking only at dependants keeps a
    /// result O(fan-out) instead of O(nodes), which matters for wide workflows.
    /// </summary>
    public IReadOnlyList<WorkflowNodeState> ReadyAfter(string nodeId) =>
        _dependants[nodeId].Select(id => _nodes[id]).Where(IsReady).OrderBy(n => n.Ordinal).ToList();

    /// <summary>Nodes nothing depends on: their outputs are the workflow's outputs.</summary>
    public IReadOnlyList<WorkflowNodeState> Sinks() =>
        _nodes.Values.Where(n => _dependants[n.NodeId].Count == 0).OrderBy(n => n.Ordinal).ToList();

    /// <summary>
    /// Whether a result for (<paramref name="nodeId"/>, <paramref name="attempt"/>) may change the node: it must name
    /// the node's current attempt while that attempt is still in flight. Anything else is stale (fencing).
    /// </summary>
    public ResultCheck CheckResult(string nodeId, int attempt) => CheckResult(_nodes.GetValueOrDefault(nodeId), attempt);

    /// <summary>The same check for one node row (null: no such node), without building a graph.</summary>
    public static ResultCheck CheckResult(WorkflowNodeState? node, int attempt)
    {
        if (node is null)
            return ResultCheck.UnknownNode;
        if (attempt != node.Attempt)
            return ResultCheck.StaleAttempt;
        return node.State is NodeStatus.Dispatched or NodeStatus.Running ? ResultCheck.Current : ResultCheck.AlreadySettled;
    }

    /// <summary>Outputs of the dependencies of <paramref name="nodeId"/>, keyed by dependency id, for its ExecuteNode.</summary>
    public Dictionary<string, JsonElement> DependencyOutputs(string nodeId) =>
        _dependencies[nodeId].ToDictionary(id => id, id => NodeJson.Parse(_nodes[id].OutputJson), StringComparer.Ordinal);

    /// <summary>Outputs of the sink nodes, keyed by node id: what <c>WorkflowCompleted</c> reports.</summary>
    public Dictionary<string, JsonElement> SinkOutputs() =>
        Sinks().ToDictionary(n => n.NodeId, n => NodeJson.Parse(n.OutputJson), StringComparer.Ordinal);

    private bool IsReady(WorkflowNodeState node) =>
        node.State == NodeStatus.Pending && _dependencies[node.NodeId].All(d => _nodes[d].State == NodeStatus.Succeeded);
}
