using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SagaWorkflow.Dashboard.Graph;

/// <summary>
/// Layouts cached by definition, version and shape: every run of a definition version has the same graph, so the layout
/// is computed once (inline definitions reuse names and versions, hence the shape's digest in the key). Bounded: past
/// <see cref="Capacity"/> entries the cache starts over, which costs only a recomputation. A layout is computed on the
/// thread pool, once however many pages ask at the same time, so a page can show itself at once and draw the graph when
/// the layout is ready (<see cref="Start"/>).
/// </summary>
public sealed class DagLayouts
{
    /// <summary>Above this many nodes the whole graph is not laid out; the page shows a node list and the selected node's neighbourhood.</summary>
    public const int FullLayoutLimit = 2000;

    /// <summary>How many nodes a neighbourhood view draws at most.</summary>
    public const int NeighbourhoodLimit = 120;

    private const int Capacity = 256;
    private readonly ConcurrentDictionary<string, Lazy<Task<DagLayout>>> _cache = new(StringComparer.Ordinal);

    /// <summary>The layout of this shape: cached, being computed, or now started on the thread pool.</summary>
    public Task<DagLayout> Start(string definition, int version, IReadOnlyList<DagNode> nodes)
    {
        if (_cache.Count > Capacity)
            _cache.Clear();
        var key = $"{definition}\u001f{version}\u001f{ShapeDigest(nodes)}";
        return _cache.GetOrAdd(key, _ => new Lazy<Task<DagLayout>>(() => Task.Run(() => MsaglLayout.Compute(nodes)))).Value;
    }

    /// <summary>The layout, waited for (small graphs and neighbourhoods, which take milliseconds).</summary>
    public DagLayout Get(string definition, int version, IReadOnlyList<DagNode> nodes) =>
        Start(definition, version, nodes).GetAwaiter().GetResult();

    /// <summary>The node and its ancestors and descendants within <paramref name="depth"/> steps, capped at <see cref="NeighbourhoodLimit"/>.</summary>
    public DagLayout Neighbourhood(string definition, int version, IReadOnlyList<DagNode> nodes, string center, int depth = 2)
    {
        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var dependents = nodes.SelectMany(n => n.DependsOn.Select(d => (From: d, To: n.Id))).ToLookup(e => e.From, e => e.To, StringComparer.Ordinal);
        var picked = new HashSet<string>(StringComparer.Ordinal) { center };
        var frontier = new List<string> { center };
        for (var step = 0; step < depth && frontier.Count > 0 && picked.Count < NeighbourhoodLimit; step++)
        {
            var next = new List<string>();
            foreach (var id in frontier)
            {
                foreach (var neighbour in byId[id].DependsOn.Concat(dependents[id]))
                {
                    if (picked.Count < NeighbourhoodLimit && byId.ContainsKey(neighbour) && picked.Add(neighbour))
                        next.Add(neighbour);
                }
            }

            frontier = next;
        }

        var subgraph = nodes.Where(n => picked.Contains(n.Id)).ToList();
        return Get($"{definition}#{center}", version, subgraph);
    }

    private static string ShapeDigest(IReadOnlyList<DagNode> nodes)
    {
        var text = new StringBuilder();
        foreach (var node in nodes)
            text.Append(node.Id).Append('\u001e').Append(node.Capability).Append('\u001e').AppendJoin('\u001d', node.DependsOn).Append('\u001f');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
