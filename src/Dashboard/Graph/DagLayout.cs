namespace SagaWorkflow.Dashboard.Graph;

/// <summary>A node to lay out: its id, the text under it, and the nodes it runs after.</summary>
public sealed record DagNode(string Id, string Capability, IReadOnlyList<string> DependsOn);

/// <summary>A node's box in SVG coordinates (top-left origin, y down).</summary>
public sealed record NodeBox(string Id, double X, double Y, double Width, double Height);

/// <summary>An edge drawn as an SVG path from a node's box to the box of the node that depends on it.</summary>
public sealed record EdgePath(string From, string To, string Path);

/// <summary>A laid-out DAG, left to right, ready to draw: it carries no state, so one layout serves every run of a shape.</summary>
public sealed record DagLayout(double Width, double Height, IReadOnlyDictionary<string, NodeBox> Nodes, IReadOnlyList<EdgePath> Edges, TimeSpan Took);
