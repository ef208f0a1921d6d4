using System.Text.Json;
using MassTransit.Testing;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence.Workflows;
using static SagaWorkflow.Tests.Workflows.WorkflowHarness;

namespace SagaWorkflow.Tests.Workflows;

public sealed class When_a_workflow_runs_to_completion
{
    [Fact]
    public async Task A_chain_runs_its_nodes_one_after_another()
    {
        await using var h = await StartAsync();
        var id = await h.StartWorkflowAsync(Definition(Node("a"), Node("b", null, "a"), Node("c", null, "b")));

        var saga = await h.WaitForStateAsync(id, m => m.Completed);

        var dispatched = h.Harness.Sent.Select<ExecuteNode>().Select(s => s.Context.Message.NodeId).ToList();
        Assert.Equal(["a", "b", "c"], dispatched);
        Assert.All(saga.Nodes, n => Assert.Equal(NodeStatus.Succeeded, n.State));
        var completed = h.Harness.Published.Select<WorkflowCompleted>().Single().Context.Message;
        Assert.Equal(["c"], completed.Outputs.Keys);
    }

    [Fact]
    public async Task A_diamond_join_receives_the_outputs_of_both_branches()
    {
        await using var h = await StartAsync();
        var id = await h.StartWorkflowAsync(Definition(Node("a"), Node("b", null, "a"), Node("c", null, "a"), Node("d", null, "b", "c")));

        await h.WaitForStateAsync(id, m => m.Completed);

        var join = h.Harness.Sent.Select<ExecuteNode>().Single(s => s.Context.Message.NodeId == "d").Context.Message;
        Assert.Equal(["b", "c"], join.DependencyOutputs.Keys.Order());
        Assert.Equal("b", join.DependencyOutputs["b"].GetProperty("node").GetString());
        Assert.Equal(ExecuteNode.ExecutionIdFor(id, "d", 1), join.ExecutionId);
    }

    [Fact]
    public async Task A_fan_out_of_100_nodes_joins_once_all_have_succeeded()
    {
        await using var h = await StartAsync();
        var children = Enumerable.Range(0, 100).Select(i => Node($"child-{i}", null, "root")).ToArray();
        var id = await h.StartWorkflowAsync(Definition([Node("root"), .. children, Node("join", null, [.. children.Select(c => c.Id)])]));

        var saga = await h.WaitForStateAsync(id, m => m.Completed);

        var join = h.Harness.Sent.Select<ExecuteNode>().Single(s => s.Context.Message.NodeId == "join").Context.Message;
        Assert.Equal(100, join.DependencyOutputs.Count);
        Assert.Equal(102, saga.Nodes.Count(n => n.State == NodeStatus.Succeeded));
        Assert.Equal(102, h.Harness.Sent.Select<ExecuteNode>().Count());
    }

    [Fact]
    public async Task A_retryable_failure_with_attempts_left_is_dispatched_again_as_the_next_attempt()
    {
        await using var h = await StartAsync();
        var flaky = Node("flaky", new { failUntilAttempt = 3 }) with { Retry = new() { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(100) } };
        var id = await h.StartWorkflowAsync(Definition(flaky));

        var saga = await h.WaitForStateAsync(id, m => m.Completed);

        Assert.Equal([1, 2, 3], h.Harness.Sent.Select<ExecuteNode>().Select(s => s.Context.Message.Attempt));
        Assert.Equal(3, saga.Nodes.Single().Attempt);
        Assert.Equal(3, JsonDocument.Parse(saga.Nodes.Single().OutputJson!).RootElement.GetProperty("attempt").GetInt32());
        // The node_attempts rows, as the saga wrote them: visible here without a database.
        Assert.Equal([(1, "failed", "attempt 1 fails"), (2, "failed", "attempt 2 fails"), (3, "succeeded", null)],
            saga.Nodes.Single().Attempts.Rows.Select(a => (a.Attempt, a.Outcome, a.Error)));
        Assert.All(saga.Nodes.Single().Attempts.Rows, a => Assert.Equal("scripted", a.ExecutorId));
    }

    [Fact]
    public async Task The_workflow_input_reaches_every_node()
    {
        await using var h = await StartAsync();
        var id = Guid.NewGuid();
        await h.Harness.Bus.Publish(new StartWorkflow
        {
            WorkflowId = id, Definition = Definition(Node("a")), Input = JsonSerializer.SerializeToElement(new { customer = 42 }),
        });

        var saga = await h.WaitForStateAsync(id, m => m.Completed);

        var sent = h.Harness.Sent.Select<ExecuteNode>().Single().Context.Message;
        Assert.Equal(42, sent.WorkflowInput!.Value.GetProperty("customer").GetInt32());
        Assert.Equal("message", saga.TriggeredBy);
    }
}
