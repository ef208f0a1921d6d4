using static SagaWorkflow.Contracts.Definitions.DefinitionErrorCodes;

namespace SagaWorkflow.Contracts.Definitions;

/// <summary>
/// Finds dependency cycles with an iterative depth-first search (an explicit stack, so deep chains cannot overflow
/// the call stack) and reports each as a path, <c>a -> b -> c -> a</c>, in dependency direction.
/// </summary>
internal static class CycleFinder
{
    private enum Mark { Unvisited, OnPath, Done }

    public static IEnumerable<DefinitionError> Find(IReadOnlyList<NodeDefinition> nodes, HashSet<string> known)
    {
        // Edges to unknown ids and self-edges are reported elsewhere; the first node with a duplicated id stands for it.
        var edges = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!string.IsNullOrEmpty(node.Id) && known.Contains(node.Id))
                edges.TryAdd(node.Id, (node.DependsOn ?? []).Where(d => d != node.Id && known.Contains(d)).Distinct().ToArray());
        }

        var marks = edges.Keys.ToDictionary(k => k, _ => Mark.Unvisited, StringComparer.Ordinal);
        var errors = new List<DefinitionError>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in edges.Keys)
        {
            if (marks[start] == Mark.Unvisited)
                Walk(start, edges, marks, errors, reported);
        }

        return errors;
    }

    private static void Walk(string start, Dictionary<string, string[]> edges, Dictionary<string, Mark> marks,
        List<DefinitionError> errors, HashSet<string> reported)
    {
        var path = new List<string> { start };
        var next = new Stack<int>();
        next.Push(0);
        marks[start] = Mark.OnPath;
        while (path.Count > 0)
        {
            var current = path[^1];
            var index = next.Pop();
            if (index >= edges[current].Length)
            {
                marks[current] = Mark.Done;
                path.RemoveAt(path.Count - 1);
                continue;
            }

            next.Push(index + 1);
            var dependency = edges[current][index];
            if (marks[dependency] == Mark.OnPath)
                Report(path, dependency, errors, reported);
            else if (marks[dependency] == Mark.Unvisited)
            {
                marks[dependency] = Mark.OnPath;
                path.Add(dependency);
                next.Push(0);
            }
        }
    }

    private static void Report(List<string> path, string closing, List<DefinitionError> errors, HashSet<string> reported)
    {
        var cycle = path.Skip(path.LastIndexOf(closing)).ToList();
        // The same cycle can be entered from any of its members; a rotation-independent key reports it once.
        var key = string.Join("\u0000", cycle.Order(StringComparer.Ordinal));
        if (reported.Add(key))
            errors.Add(new DefinitionError(Cycle, cycle[0], "dependency cycle: " + string.Join(" -> ", cycle.Append(cycle[0]))));
    }
}
