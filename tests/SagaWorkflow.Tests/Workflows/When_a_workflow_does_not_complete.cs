using MassTransit;
using MassTransit.Testing;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Persistence.Workflows;
using static SagaWorkflow.Tests.Workflows.WorkflowHarness;

namespace SagaWorkflow.Tests.Workflows;

public sealed class When_a_workflow_does_not_complete
{
    [Fact]
    public async Task A_node_failure_without_retries_fails_the_workflow_and_skips_its_dependants()
    {
        await using var h = await StartAsync();
        var id = await h.StartWorkflowAsync(Definition(Node("a", new { fail = "boom", retryable = false }), Node("b", null, "a")));

        var saga = await h.WaitForStateAsync(id, m => m.Failed);

        var failed = h.Harness.Published.Select<WorkflowFailed>().Single().Context.Message;
        Assert.Equal("a", failed.NodeId);
        Assert.Contains("boom", failed.Error, StringComparison.Ordinal);
        Assert.Equal(NodeStatus.Failed, saga.Nodes.Single(n => n.NodeId == "a").State);
        Assert.Equal(NodeStatus.Skipped, saga.Nodes.Single(n => n.NodeId == "b").State);
        Assert.DoesNotContain(h.Harness.Sent.Select<ExecuteNode>(), s => s.Context.Message.NodeId == "b");
    }

    [Fact]
    public async Task A_non_retryable_failure_is_not_retried_even_with_attempts_left()
    {
        await using var h = await StartAsync();
        var node = Node("a", new { fail = "bad input", retryable = false }) with { Retry = new RetryPolicy { MaxAttempts = 5 } };
        var id = await h.StartWorkflowAsync(Definition(node));

        await h.WaitForStateAsync(id, m => m.Failed);

        Assert.Single(h.Harness.Sent.Select<ExecuteNode>());
    }

    [Fact]
    public async Task A_result_for_a_stale_attempt_is_ignored()
    {
        await using var h = await StartAsync();
        var id = await h.StartWorkflowAsync(Definition(Node("a", new { hold = true }), Node("b", null, "a")));
        await h.WaitForStateAsync(id, m => m.Running);
        Assert.True(await h.Harness.Consumed.Any<ExecuteNode>(x => x.Context.Message.WorkflowId == id));

        var stale = new NodeCompleted { WorkflowId = id, NodeId = "a", Attempt = 7, ExecutorId = "ghost" };
        await h.Harness.Bus.Publish(stale);
        Assert.True(await h.Saga.Consumed.Any<NodeCompleted>(x => x.Context.Message.Attempt == 7));

        var saga = h.Saga.Sagas.Contains(id)!;
        Assert.Equal(h.Machine.Running.Name, saga.CurrentState);
        Assert.Equal(NodeStatus.Dispatched, saga.Nodes.Single(n => n.NodeId == "a").State);
        Assert.DoesNotContain(h.Harness.Sent.Select<ExecuteNode>(), s => s.Context.Message.NodeId == "b");

        await h.Harness.Bus.Publish(stale with { Attempt = 1, ExecutorId = "real" });
        saga = await h.WaitForStateAsync(id, m => m.Completed);
        Assert.Equal("real", saga.Nodes.Single(n => n.NodeId == "a").ExecutorId);
    }

    [Fact]
    public async Task Cancel_stops_dispatch_and_later_results_are_not_applied()
    {
        await using var h = await StartAsync();
        var id = await h.StartWorkflowAsync(Definition(Node("a", new { hold = true }), Node("b", null, "a")));
        await h.WaitForStateAsync(id, m => m.Running);

        await h.Harness.Bus.Publish(new CancelWorkflow { WorkflowId = id, Reason = "operator" });
        var saga = await h.WaitForStateAsync(id, m => m.Cancelled);
        Assert.True(await h.Harness.Published.Any<WorkflowCancelled>(x => x.Context.Message.WorkflowId == id));

        await h.Harness.Bus.Publish(new NodeCompleted { WorkflowId = id, NodeId = "a", Attempt = 1, ExecutorId = "late" });
        Assert.True(await h.Saga.Consumed.Any<NodeCompleted>(x => x.Context.Message.ExecutorId == "late"));
        Assert.All(saga.Nodes, n => Assert.Equal(NodeStatus.Cancelled, n.State));
        Assert.DoesNotContain(h.Harness.Sent.Select<ExecuteNode>(), s => s.Context.Message.NodeId == "b");
    }

    [Fact]
    public async Task An_invalid_definition_is_rejected_with_every_error_and_leaves_no_saga()
    {
        await using var h = await StartAsync();
        var id = await h.StartWorkflowAsync(Definition(Node("a", null, "b"), Node("b", null, "a"), Node("a"), Node("c", null, "missing")));

        Assert.True(await h.Harness.Published.Any<WorkflowRejected>(x => x.Context.Message.WorkflowId == id));
        var rejected = h.Harness.Published.Select<WorkflowRejected>().Single().Context.Message;
        var codes = rejected.Errors.Select(e => e.Code).ToHashSet();
        Assert.Contains(DefinitionErrorCodes.DuplicateId, codes);
        Assert.Contains(DefinitionErrorCodes.UnknownDependency, codes);
        Assert.Contains(DefinitionErrorCodes.Cycle, codes);
        Assert.Null(await h.Saga.NotExists(id));
        Assert.Empty(h.Harness.Sent.Select<ExecuteNode>());
    }

    [Fact]
    public async Task A_second_start_with_the_same_id_starts_nothing_new()
    {
        await using var h = await StartAsync();
        var definition = Definition(Node("a", new { hold = true }));
        var id = await h.StartWorkflowAsync(definition);
        await h.WaitForStateAsync(id, m => m.Running);

        var secondMessageId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new StartWorkflow { WorkflowId = id, Definition = definition }, c => c.MessageId = secondMessageId);
        Assert.True(await h.Saga.Consumed.Any<StartWorkflow>(x => x.Context.MessageId == secondMessageId));

        Assert.Single(h.Harness.Sent.Select<ExecuteNode>());
        Assert.Single(h.Harness.Published.Select<WorkflowStarted>());
    }
}
