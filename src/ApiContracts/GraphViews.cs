using System.Text.Json;

namespace SagaWorkflow.ApiContracts;

/// <summary>
/// What <c>GET /api/v1/workflows/{id}/graph</c> returns: the shape of a run (nodes, their inputs and dependencies), which
/// never changes while it runs, so a viewer fetches it once and polls only <see cref="WorkflowView"/> for states.
/// </summary>
public sealed record WorkflowGraph(Guid Id, string Definition, int DefinitionVersion, IReadOnlyList<GraphNode> Nodes);

/// <summary>One node of a run's graph: what it runs, on what input, after which nodes.</summary>
public sealed record GraphNode(string Id, string Capability, IReadOnlyList<string> DependsOn, JsonElement? Input);

/// <summary>What <c>GET /api/v1/workflows/counts</c> returns: how many workflows are in each state (every state listed, 0 included).</summary>
public sealed record WorkflowCounts(IReadOnlyDictionary<string, int> States, int Total);
