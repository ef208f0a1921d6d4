using System.Text.Json;
using SagaWorkflow.Orchestrator.Workflows;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Tests.Workflows;

public sealed class When_tracking_a_workflow_graph
{
    private static WorkflowNodeState Node(string id, NodeStatus state = NodeStatus.Pending, int attempt = 0, params string[] dependsOn) =>
        TestNodes.In(id, state, attempt, dependsOn, maxAttempts: state == NodeStatus.Retrying ? 2 : 1);

    [Fact]
    public void Only_roots_are_ready_at_the_start()
    {
        var graph = new WorkflowGraph([Node("a"), Node("b", dependsOn: "a"), Node("c")]);

        Assert.Equal(["a", "c"], graph.ReadyNodes().Select(n => n.NodeId));
    }

    [Fact]
    public void A_join_becomes_ready_only_after_its_last_dependency_succeeds()
    {
        var b = Node("b", NodeStatus.Succeeded, 1, "a");
        var c = Node("c", NodeStatus.Running, 1, "a");
        var graph = new WorkflowGraph([Node("a", NodeStatus.Succeeded, 1), b, c, Node("d", dependsOn: ["b", "c"])]);

        Assert.Empty(graph.ReadyAfter("b"));

        c.Succeed("executor-1", null, TestNodes.At);
        Assert.Equal(["d"], graph.ReadyAfter("c").Select(n => n.NodeId));
    }

    [Fact]
    public void A_node_already_dispatched_is_not_ready_again()
    {
        var graph = new WorkflowGraph([Node("a", NodeStatus.Succeeded, 1), Node("b", NodeStatus.Dispatched, 1, "a")]);

        Assert.Empty(graph.ReadyAfter("a"));
        Assert.Empty(graph.ReadyNodes());
    }

    [Theory]
    [InlineData(NodeStatus.Dispatched, 2, 2, ResultCheck.Current)]
    [InlineData(NodeStatus.Running, 2, 2, ResultCheck.Current)]
    [InlineData(NodeStatus.Running, 2, 1, ResultCheck.StaleAttempt)]
    [InlineData(NodeStatus.Running, 2, 3, ResultCheck.StaleAttempt)]
    [InlineData(NodeStatus.Succeeded, 2, 2, ResultCheck.AlreadySettled)]
    [InlineData(NodeStatus.Cancelled, 1, 1, ResultCheck.AlreadySettled)]
    public void A_result_counts_only_for_the_current_in_flight_attempt(NodeStatus state, int current, int reported, ResultCheck expected)
    {
        var graph = new WorkflowGraph([Node("a", state, current)]);

        Assert.Equal(expected, graph.CheckResult("a", reported));
    }

    [Fact]
    public void A_result_for_an_unknown_node_is_reported_as_such()
    {
        Assert.Equal(ResultCheck.UnknownNode, new WorkflowGraph([Node("a")]).CheckResult("zzz", 1));
    }

    [Fact]
    public void Sinks_are_the_nodes_nothing_depends_on_and_carry_the_outputs()
    {
        var a = Node("a", NodeStatus.Succeeded, 1);
        var b = TestNodes.In("b", NodeStatus.Succeeded, 1, ["a"], outputJson: """{"x":1}""");
        var c = Node("c", NodeStatus.Succeeded, 1, "a");
        var graph = new WorkflowGraph([a, b, c]);

        var outputs = graph.SinkOutputs();

        Assert.Equal(["b", "c"], outputs.Keys.Order());
        Assert.Equal(1, outputs["b"].GetProperty("x").GetInt32());
        Assert.Equal(JsonValueKind.Null, outputs["c"].ValueKind);
    }

    [Fact]
    public void All_succeeded_is_false_while_any_node_is_unfinished()
    {
        var a = Node("a", NodeStatus.Succeeded, 1);
        var b = Node("b", NodeStatus.Running, 1, "a");
        var graph = new WorkflowGraph([a, b]);

        Assert.False(graph.AllSucceeded);
        b.Succeed("executor-1", null, TestNodes.At);
        Assert.True(graph.AllSucceeded);
    }
}
