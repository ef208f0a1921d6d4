using System.Runtime.CompilerServices;
using System.Text.Json;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// DAG bookkeeping over the node rows of one workflow: which nodes are ready, which results still count,
/// when the run is complete. Plain C# so it is unit-tested without MassTransit; the state machine only asks it.
/// <para>
/// What one event costs does not grow with the run: the edges come from the definition (<see cref="DagEdges"/>, built
/// once), nodes are found by id (<see cref="NodeCollection"/>), and the graph lives as long as the loaded saga instance,
/// so the messages of one transaction share it. Two facts keep the answers cheap: a succeeded node never changes again
/// in a run (no <see cref="WorkflowNodeState"/> change starts from <c>succeeded</c>), and a node is only dispatched once
/// all its dependencies have succeeded. So a node's succeeded dependencies can be counted once and never re-read, and
/// the run is complete exactly when its sinks have succeeded (every other node is an ancestor of one).
/// </para>
/// </summary>
public sealed class WorkflowGraph
{
    private static readonly ConditionalWeakTable<WorkflowState, WorkflowGraph> BySaga = [];

    private readonly NodeCollection _nodes;
    private readonly DagEdges _edges;

    // Per node: how many of its dependencies, in order, are known to have succeeded (see the class comment).
    private readonly Dictionary<string, int> _succeededDependencies = new(StringComparer.Ordinal);

    /// <summary>A graph whose edges are read from each node's <c>depends_on_json</c> (for tests and tools; sagas use the cached definition).</summary>
    public WorkflowGraph(IEnumerable<WorkflowNodeState> nodes)
        : this(new NodeCollection(nodes.OrderBy(n => n.Ordinal)), null)
    {
    }

    /// <summary>A graph over <paramref name="nodes"/> with the edges of their definition (<see cref="RunDefinition.Edges"/>).</summary>
    public WorkflowGraph(NodeCollection nodes, DagEdges? edges)
    {
        _nodes = nodes;
        _edges = edges ?? new DagEdges(nodes.Select(n =>
            KeyValuePair.Create(n.NodeId, JsonSerializer.Deserialize<string[]>(n.DependsOnJson) ?? [])));
    }

    /// <summary>
    /// The graph of this message's saga instance: built once per loaded instance and shared by every message applied
    /// to it (a batch's messages share the instance), rebuilt when the instance's node rows are replaced.
    /// </summary>
    public static WorkflowGraph Of(MassTransit.BehaviorContext<WorkflowState> context)
    {
        var saga = context.Saga;
        if (BySaga.TryGetValue(saga, out var graph) && ReferenceEquals(graph._nodes, saga.Nodes))
            return graph;
        graph = new WorkflowGraph(saga.Nodes, RunDefinition.Of(saga).Edges);
        BySaga.AddOrUpdate(saga, graph);
        return graph;
    }

    public WorkflowNodeState? Find(string nodeId) => _nodes.Find(nodeId);

    /// <summary>Every node has succeeded: exactly when every sink has (see the class comment).</summary>
    public bool AllSucceeded => _edges.Sinks.All(id => _nodes.Find(id)?.State == NodeStatus.Succeeded);

    /// <summary>Pending nodes whose dependencies have all succeeded, in definition order.</summary>
    public IReadOnlyList<WorkflowNodeState> ReadyNodes() => _nodes.Where(IsReady).ToList();

    /// <summary>
    /// The dependants of <paramref name="nodeId"/> that its success made ready. Looking only at dependants keeps a
    /// result O(fan-out) instead of O(nodes), which matters for wide workflows.
    /// </summary>
    public IReadOnlyList<WorkflowNodeState> ReadyAfter(string nodeId) =>
        _edges.DependantsOf(nodeId).Select(id => _nodes.Find(id)!).Where(IsReady).OrderBy(n => n.Ordinal).ToList();

    /// <summary>Nodes nothing depends on: their outputs are the workflow's outputs.</summary>
    public IReadOnlyList<WorkflowNodeState> Sinks() => _edges.Sinks.Select(id => _nodes.Find(id)!).ToList();

    /// <summary>
    /// Whether a result for (<paramref name="nodeId"/>, <paramref name="attempt"/>) may change the node: it must name
    /// the node's current attempt while that attempt is still in flight. Anything else is stale (fencing).
    /// </summary>
    public ResultCheck CheckResult(string nodeId, int attempt) => CheckResult(_nodes.Find(nodeId), attempt);

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
        _edges.DependenciesOf(nodeId).ToDictionary(id => id, id => NodeJson.Parse(_nodes.Find(id)!.OutputJson), StringComparer.Ordinal);

    /// <summary>Outputs of the sink nodes, keyed by node id: what <c>WorkflowCompleted</c> reports.</summary>
    public Dictionary<string, JsonElement> SinkOutputs() =>
        Sinks().ToDictionary(n => n.NodeId, n => NodeJson.Parse(n.OutputJson), StringComparer.Ordinal);

    private bool IsReady(WorkflowNodeState node) => node.State == NodeStatus.Pending && AllDependenciesSucceeded(node.NodeId);

    /// <summary>
    /// Counts on from the dependencies already known to have succeeded, so a join of n children costs O(n) over the
    /// whole run rather than O(n) for each child's result.
    /// </summary>
    private bool AllDependenciesSucceeded(string nodeId)
    {
        var dependencies = _edges.DependenciesOf(nodeId);
        var known = _succeededDependencies.GetValueOrDefault(nodeId);
        while (known < dependencies.Length && _nodes.Find(dependencies[known])?.State == NodeStatus.Succeeded)
            known++;
        _succeededDependencies[nodeId] = known;
        return known == dependencies.Length;
    }
}
