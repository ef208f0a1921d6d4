using MassTransit.Testing;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence.Workflows;
using static SagaWorkflow.Tests.Workflows.WorkflowHarness;

namespace SagaWorkflow.Tests.Workflows;

public sealed class When_an_executor_is_lost_in_the_saga
{
    private static async Task<(WorkflowHarness Harness, Guid Id)> RunningOnAsync(string executorId, string? onExecutorLost = null)
    {
        var h = await StartAsync();
        var id = await h.StartWorkflowAsync(Definition(Node("a", new { hold = true }) with { OnExecutorLost = onExecutorLost }));
        await h.WaitForStateAsync(id, m => m.Running);
        await h.Harness.Bus.Publish(new NodeStarted { WorkflowId = id, NodeId = "a", Attempt = 1, ExecutorId = executorId, Timestamp = DateTime.UtcNow });
        Assert.True(await h.Saga.Consumed.Any<NodeStarted>(x => x.Context.Message.ExecutorId == executorId));
        await h.Harness.Bus.Publish(new ReassignNodes
        {
            WorkflowId = id, ExecutorId = executorId, Reason = "heartbeat timeout",
            Attempts = [new NodeAttemptRef { NodeId = "a", Attempt = 1 }],
        });
        Assert.True(await h.Saga.Consumed.Any<ReassignNodes>(x => x.Context.Message.WorkflowId == id));
        return (h, id);
    }

    /// <summary>
    /// Regression: the superseded attempt's command went back to the queue when its executor was killed, and an executor
    /// started after the CancelNode went out ran it beside the current attempt (double side effects, fenced result).
    /// </summary>
    [Fact]
    public async Task A_superseded_attempt_that_starts_later_elsewhere_is_told_again_to_stop()
    {
        var (h, id) = await RunningOnAsync("frozen");
        await using var _ = h;
        Assert.True(await h.Harness.Sent.Any<ExecuteNode>(x => x.Context.Message.WorkflowId == id && x.Context.Message.Attempt == 2));

        await h.Harness.Bus.Publish(new NodeStarted { WorkflowId = id, NodeId = "a", Attempt = 1, ExecutorId = "newcomer", Timestamp = DateTime.UtcNow });

        Assert.True(await h.Harness.Published.Any<CancelNode>(x => x.Context.Message.ExecutionId == ExecuteNode.ExecutionIdFor(id, "a", 1)
            && x.Context.Message.Reason.Contains("newcomer", StringComparison.Ordinal)));
        var node = h.Saga.Sagas.Contains(id)!.Nodes.Single();
        Assert.Equal(2, node.Attempt);
        Assert.NotEqual("newcomer", node.ExecutorId);
    }

    [Fact]
    public async Task The_current_attempt_starting_is_not_cancelled()
    {
        var (h, id) = await RunningOnAsync("frozen");
        await using var _ = h;

        await h.Harness.Bus.Publish(new NodeStarted { WorkflowId = id, NodeId = "a", Attempt = 2, ExecutorId = "healthy", Timestamp = DateTime.UtcNow });
        Assert.True(await h.Saga.Consumed.Any<NodeStarted>(x => x.Context.Message.ExecutorId == "healthy"));

        Assert.Equal(NodeStatus.Running, h.Saga.Sagas.Contains(id)!.Nodes.Single().State);
        Assert.DoesNotContain(h.Harness.Published.Select<CancelNode>(), c => c.Context.Message.Attempt == 2);
    }

    [Fact]
    public async Task A_fail_policy_node_fails_and_its_lost_attempt_is_told_to_stop()
    {
        var (h, id) = await RunningOnAsync("frozen", onExecutorLost: "fail");
        await using var _ = h;

        var saga = await h.WaitForStateAsync(id, m => m.Failed);

        Assert.Equal(NodeStatus.Failed, saga.Nodes.Single().State);
        Assert.Contains("onExecutorLost: fail", saga.Nodes.Single().Error, StringComparison.Ordinal);
        Assert.True(await h.Harness.Published.Any<CancelNode>(x => x.Context.Message.ExecutionId == ExecuteNode.ExecutionIdFor(id, "a", 1)));
        Assert.DoesNotContain(h.Harness.Sent.Select<ExecuteNode>(), s => s.Context.Message.Attempt == 2);
    }
}
