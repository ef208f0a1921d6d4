using System.Collections.Concurrent;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// A run's stored definition, parsed once per distinct definition and shared by every run of it: the DAG's edges, each
/// node's retry policy, the workflow deadline. Saga steps ask this instead of parsing <c>definition_json</c> again on
/// every failure, retry or deadline. Keyed by the JSON itself, so two inline definitions that share a name and version
/// but differ cannot be mixed up.
/// </summary>
public sealed class RunDefinition
{
    // Enough for every definition a deployment runs at once; past it the cache starts over rather than growing without bound.
    private const int CacheLimit = 1024;
    private static readonly ConcurrentDictionary<string, RunDefinition> Cache = new(StringComparer.Ordinal);

    private readonly Dictionary<string, NodeDefinition> _nodes;

    private RunDefinition(WorkflowDefinition definition)
    {
        Definition = definition;
        _nodes = definition.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        Edges = new DagEdges(definition.Nodes.Select(n => KeyValuePair.Create(n.Id, n.DependsOn.ToArray())));
    }

    public WorkflowDefinition Definition { get; }

    /// <summary>The DAG's edges both ways, and its sinks.</summary>
    public DagEdges Edges { get; }

    public TimeSpan? Timeout => Definition.Timeout;

    public RetryPolicy RetryPolicyOf(string nodeId) => _nodes.GetValueOrDefault(nodeId)?.Retry ?? new RetryPolicy();

    /// <summary>The node's priority, else the workflow's, else 0: the broker delivers higher ones first from a queue.</summary>
    public byte PriorityOf(string nodeId) => (byte)(_nodes.GetValueOrDefault(nodeId)?.Priority ?? Definition.Priority ?? 0);

    /// <summary>How many attempts a node gets when the whole run is retried (its definition's budget).</summary>
    public int MaxAttemptsOf(string nodeId) => _nodes.GetValueOrDefault(nodeId)?.Retry?.MaxAttempts ?? 1;

    /// <summary>
    /// The definition of this saga instance, remembered on the instance: looking a 10,000-node definition up by its JSON
    /// hashes and compares the whole text, which every event of a wide run would otherwise pay again.
    /// </summary>
    public static RunDefinition Of(WorkflowState saga)
    {
        if (BySaga.TryGetValue(saga, out var known) && ReferenceEquals(known.Json, saga.DefinitionJson))
            return known.Definition;
        var definition = Of(saga.DefinitionJson);
        BySaga.AddOrUpdate(saga, new Remembered(saga.DefinitionJson, definition));
        return definition;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<WorkflowState, Remembered> BySaga = [];

    private sealed record Remembered(string Json, RunDefinition Definition);

    public static RunDefinition Of(string definitionJson)
    {
        if (Cache.TryGetValue(definitionJson, out var cached))
            return cached;
        // Stored definitions were validated at the start; one that no longer parses is corrupt data, and says so.
        var definition = WorkflowDefinitionParser.Parse(definitionJson).Definition
            ?? throw new InvalidOperationException("the run's stored definition_json does not parse as a workflow definition");
        if (Cache.Count >= CacheLimit)
            Cache.Clear();
        return Cache.GetOrAdd(definitionJson, new RunDefinition(definition));
    }
}
