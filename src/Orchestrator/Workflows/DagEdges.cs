namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// The edges of one definition's DAG, both ways, and its sinks: built once per definition (<see cref="RunDefinition"/>)
/// and shared by every run of it and every event of each run, so no event pays for the whole graph again.
/// </summary>
public sealed class DagEdges
{
    private static readonly string[] None = [];

    private readonly Dictionary<string, string[]> _dependencies;
    private readonly Dictionary<string, string[]> _dependants;

    /// <param name="dependencies">Each node's dependencies, in definition order.</param>
    public DagEdges(IEnumerable<KeyValuePair<string, string[]>> dependencies)
    {
        _dependencies = new Dictionary<string, string[]>(dependencies, StringComparer.Ordinal);
        var dependants = _dependencies.Keys.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (id, edges) in _dependencies)
        {
            foreach (var dependency in edges)
                dependants[dependency].Add(id);
        }

        _dependants = dependants.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        Sinks = [.. _dependencies.Keys.Where(id => _dependants[id].Length == 0)];
    }

    /// <summary>Nodes nothing depends on, in definition order.</summary>
    public IReadOnlyList<string> Sinks { get; }

    public string[] DependenciesOf(string nodeId) => _dependencies.GetValueOrDefault(nodeId) ?? None;

    public string[] DependantsOf(string nodeId) => _dependants.GetValueOrDefault(nodeId) ?? None;
}
