using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Tests.Workflows;

/// <summary>A node's methods are the only way its state changes, and each refuses a change its state does not allow.</summary>
public sealed class When_a_node_changes_state
{
    [Fact]
    public void A_result_for_a_node_never_dispatched_is_refused_naming_the_node_and_its_state()
    {
        var node = TestNodes.In("a");

        var refused = Assert.Throws<InvalidOperationException>(() => node.Succeed("executor-1", null, TestNodes.At));

        Assert.Contains("node 'a'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("is pending (attempt 0) and cannot be succeeded", refused.Message, StringComparison.Ordinal);
        Assert.Empty(node.Attempts.Rows);
    }

    [Fact]
    public void An_attempt_cannot_end_while_its_deadline_timer_is_still_armed()
    {
        var node = TestNodes.In("a", NodeStatus.Running);
        node.TimeoutArmed(Guid.NewGuid());

        Assert.Throws<InvalidOperationException>(() => node.Fail(AttemptOutcomes.Failed, "executor-1", "boom", retryable: true, TestNodes.At, () => TestNodes.At));

        Assert.NotNull(node.TakeTimeoutToken());
        Assert.False(node.Fail(AttemptOutcomes.Failed, "executor-1", "boom", retryable: true, TestNodes.At, () => TestNodes.At));
        Assert.Equal(NodeStatus.Failed, node.State);
    }

    [Fact]
    public void A_superseded_attempt_is_recorded_and_the_next_one_gets_a_row_of_its_own_without_using_a_retry()
    {
        var node = TestNodes.In("a", NodeStatus.Running, executorId: "executor-1");

        node.Supersede(AttemptOutcomes.Lost, "executor executor-1 lost", TestNodes.At);
        node.Dispatch(TestNodes.At, waitingReason: null);

        Assert.Equal((2, 2, 1), (node.Attempt, node.MaxAttempts, node.Failovers));
        Assert.Equal([(1, "lost", "executor executor-1 lost"), (2, "dispatched", null)],
            node.Attempts.Rows.Select(a => (a.Attempt, a.Outcome, a.SupersededReason)));
    }

    [Fact]
    public void A_start_on_another_executor_records_who_held_the_attempt_before()
    {
        var node = TestNodes.In("a", NodeStatus.Running, executorId: "executor-1");

        Assert.False(node.Start("executor-2", TestNodes.At));

        var row = Assert.Single(node.Attempts.Rows);
        Assert.Equal(("executor-2", "executor-1"), (row.ExecutorId, row.RedeliveredFrom));
    }

    [Fact]
    public void A_late_result_is_kept_on_its_own_attempt_and_one_never_dispatched_is_not_recorded()
    {
        var node = TestNodes.In("a", NodeStatus.Running, attempt: 2);

        node.RecordLateResult(1, AttemptOutcomes.Succeeded, "executor-9", null, TestNodes.At);
        node.RecordLateResult(7, AttemptOutcomes.Succeeded, "executor-9", null, TestNodes.At);

        var late = node.Attempts.Rows.Single(a => a.Attempt == 1);
        Assert.True(late.ArrivedLate);
        Assert.Equal("succeeded", late.Outcome);
        Assert.DoesNotContain(node.Attempts.Rows, a => a.Attempt == 7);
        Assert.Equal(NodeStatus.Running, node.State);
    }

    [Fact]
    public void A_late_result_leaves_an_attempt_that_ended_as_it_ended()
    {
        var node = TestNodes.In("a", NodeStatus.Running, attempt: 1, maxAttempts: 2);
        Assert.True(node.Fail(AttemptOutcomes.TimedOut, "executor-1", "timed out", retryable: true, TestNodes.At, () => TestNodes.At));
        node.Dispatch(TestNodes.At, waitingReason: null);

        node.RecordLateResult(1, AttemptOutcomes.Failed, "executor-1", "cancelled while running", TestNodes.At);

        var first = node.Attempts.Rows.Single(a => a.Attempt == 1);
        Assert.Equal((AttemptOutcomes.TimedOut, false), (first.Outcome, first.ArrivedLate));
    }
}
