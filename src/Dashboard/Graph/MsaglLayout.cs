using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Msagl.Core.Geometry;
using Microsoft.Msagl.Core.Geometry.Curves;
using Microsoft.Msagl.Core.Layout;
using Microsoft.Msagl.Core.Routing;
using Microsoft.Msagl.Layout.Layered;
using Microsoft.Msagl.Miscellaneous;
using MsaglNode = Microsoft.Msagl.Core.Layout.Node;

namespace SagaWorkflow.Dashboard.Graph;

/// <summary>
/// Lays a DAG out with MSAGL's layered (Sugiyama) algorithm: layers by dependency, crossings reduced, edges routed as
/// splines between layers. MSAGL draws top to bottom with y up; a quarter turn makes it left to right, and the result
/// is flipped into SVG's y-down coordinates. Above <see cref="SimpleEdgesAbove"/> nodes the layout is made cheaper (see there).
/// </summary>
public static class MsaglLayout
{
    public const double NodeHeight = 46;

    /// <summary>
    /// Above this many nodes MSAGL routes no edges and orders layers with fewer passes; each edge is drawn as one curve
    /// from its source's right side to its target's left side. Measured on a 1,000-node, 1,973-edge graph (CPU time, warm):
    /// 450-500 ms with spline routing and the default 24 ordering passes, 80-200 ms like this; the routing was ~280 ms of it.
    /// A long edge may then pass behind a node it skips, which a graph this size can afford.
    /// </summary>
    public const int SimpleEdgesAbove = 300;

    private const int BigGraphOrderingPasses = 4;
    private const double Margin = 12;

    public static DagLayout Compute(IReadOnlyList<DagNode> nodes)
    {
        var watch = Stopwatch.StartNew();
        if (nodes.Count == 0)
            return new DagLayout(0, 0, new Dictionary<string, NodeBox>(), [], TimeSpan.Zero);
        var graph = new GeometryGraph();
        var byId = new Dictionary<string, MsaglNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var box = CurveFactory.CreateRectangleWithRoundedCorners(NodeWidth(node), NodeHeight, 6, 6, new Point());
            var geometry = new MsaglNode(box, node.Id);
            byId[node.Id] = geometry;
            graph.Nodes.Add(geometry);
        }

        foreach (var node in nodes)
        {
            foreach (var dependency in node.DependsOn)
            {
                // A neighbourhood view passes a subgraph: edges to nodes outside it are left out.
                if (byId.TryGetValue(dependency, out var source))
                    graph.Edges.Add(new Edge(source, byId[node.Id]));
            }
        }

        var settings = new SugiyamaLayoutSettings
        {
            // Rotating the top-down layering by +90 degrees puts the first layer (the roots) on the left.
            Transformation = PlaneTransformation.Rotation(Math.PI / 2),
            NodeSeparation = 14,
            LayerSeparation = 48,
        };
        var simple = nodes.Count > SimpleEdgesAbove;
        settings.EdgeRoutingSettings.EdgeRoutingMode = simple ? EdgeRoutingMode.None : EdgeRoutingMode.SugiyamaSplines;
        if (simple)
        {
            settings.MaxNumberOfPassesInOrdering = BigGraphOrderingPasses;
            settings.NoGainAdjacentSwapStepsBound = 1;
        }

        LayoutHelpers.CalculateLayout(graph, settings, null);

        // The graph's own box can lag behind the rotation; the union of what is drawn is exact.
        var bounds = byId.Values.Select(n => n.BoundingBox).Concat(graph.Edges.Where(e => e.Curve is not null).Select(e => e.Curve.BoundingBox))
            .Aggregate((a, b) => { var union = a; union.Add(b); return union; });
        double X(double x) => x - bounds.Left + Margin;
        double Y(double y) => bounds.Top - y + Margin;
        var boxes = byId.Values.ToDictionary(n => (string)n.UserData, n =>
            new NodeBox((string)n.UserData, X(n.BoundingBox.Left), Y(n.BoundingBox.Top), n.BoundingBox.Width, n.BoundingBox.Height), StringComparer.Ordinal);
        var edges = simple
            ? graph.Edges.Select(e => SimpleEdge(boxes[(string)e.Source.UserData], boxes[(string)e.Target.UserData])).ToList()
            : graph.Edges.Where(e => e.Curve is not null)
                .Select(e => new EdgePath((string)e.Source.UserData, (string)e.Target.UserData, SvgPath(e.Curve, X, Y))).ToList();
        return new DagLayout(bounds.Width + 2 * Margin, bounds.Height + 2 * Margin, boxes, edges, watch.Elapsed);
    }

    /// <summary>Wide enough for the node's id (the longest of its two lines, mostly), within bounds.</summary>
    public static double NodeWidth(DagNode node) => Math.Clamp(7.2 * Math.Max(node.Id.Length, node.Capability.Length + 5) + 24, 84, 240);

    /// <summary>One cubic curve, level at both ends, from the middle of the source's right side to the middle of the target's left side.</summary>
    private static EdgePath SimpleEdge(NodeBox from, NodeBox to)
    {
        var (x1, y1, x2, y2) = (from.X + from.Width, from.Y + from.Height / 2, to.X, to.Y + to.Height / 2);
        var bend = Math.Max(12, (x2 - x1) / 2);
        return new EdgePath(from.Id, to.Id, string.Create(CultureInfo.InvariantCulture,
            $"M{x1:0.#} {y1:0.#}C{x1 + bend:0.#} {y1:0.#} {x2 - bend:0.#} {y2:0.#} {x2:0.#} {y2:0.#}"));
    }

    private static string SvgPath(ICurve curve, Func<double, double> x, Func<double, double> y)
    {
        var path = new StringBuilder();
        void Move(Point p) => path.Append(CultureInfo.InvariantCulture, $"M{x(p.X):0.#} {y(p.Y):0.#}");
        Move(curve.Start);
        var segments = curve is Curve composite ? composite.Segments : [curve];
        foreach (var segment in segments)
        {
            switch (segment)
            {
                case CubicBezierSegment bezier:
                    path.Append(CultureInfo.InvariantCulture,
                        $" C{x(bezier.B(1).X):0.#} {y(bezier.B(1).Y):0.#} {x(bezier.B(2).X):0.#} {y(bezier.B(2).Y):0.#} {x(bezier.B(3).X):0.#} {y(bezier.B(3).Y):0.#}");
                    break;
                case LineSegment line:
                    path.Append(CultureInfo.InvariantCulture, $" L{x(line.End.X):0.#} {y(line.End.Y):0.#}");
                    break;
                default:
                    // Any other segment kind (an arc, a polyline): sampled, which draws it closely enough at this scale.
                    for (var i = 1; i <= 8; i++)
                    {
                        var p = segment[segment.ParStart + (segment.ParEnd - segment.ParStart) * i / 8];
                        path.Append(CultureInfo.InvariantCulture, $" L{x(p.X):0.#} {y(p.Y):0.#}");
                    }

                    break;
            }
        }

        return path.ToString();
    }
}
