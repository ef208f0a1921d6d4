using System.Text.Json;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Tests.Workflows;

/// <summary>
/// Nodes in a given state for tests, brought there through their own methods (the only way a node's state changes),
/// so a test cannot build a node the saga could never have.
/// </summary>
public static class TestNodes
{
    public static readonly DateTime At = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// A node of workflow <paramref name="workflowId"/> in <paramref name="state"/> at <paramref name="attempt"/>
    /// (earlier attempts were superseded on the way), dispatched at <paramref name="dispatchedAt"/> (to executor
    /// <paramref name="routedTo"/>'s own queue, as sticky routing does, when given).
    /// </summary>
    public static WorkflowNodeState In(string id, NodeStatus state = NodeStatus.Pending, int attempt = 0, string[]? dependsOn = null,
        Guid? workflowId = null, string capability = "noop", int maxAttempts = 1, DateTime? dispatchedAt = null, string? executorId = null,
        string? outputJson = null, DateTime? startedAt = null, DateTime? nextAttemptAt = null, string? routedTo = null)
    {
        var node = WorkflowNodeState.Pending(workflowId ?? Guid.Empty, id, id[0], capability, maxAttempts, JsonSerializer.Serialize(dependsOn ?? []),
            null, null, null, null, "redispatch");
        if (state == NodeStatus.Pending)
            return node;
        var at = dispatchedAt ?? At;
        node.Dispatch(at, null, routedTo);
        while (node.Attempt < Math.Max(1, attempt))
        {
            node.Supersede(AttemptOutcomes.Lost, "test: an earlier attempt", at);
            node.Dispatch(at, null, routedTo);
        }

        switch (state)
        {
            case NodeStatus.Dispatched:
                break;
            case NodeStatus.Running:
                node.Start(executorId ?? "executor-1", startedAt ?? at);
                break;
            case NodeStatus.Succeeded:
                node.Start(executorId ?? "executor-1", at);
                node.Succeed(executorId ?? "executor-1", outputJson, at);
                break;
            case NodeStatus.Failed:
                node.Fail(AttemptOutcomes.Failed, executorId ?? "executor-1", "test: failed", retryable: false, at, () => at);
                break;
            case NodeStatus.Retrying:
                node.Fail(AttemptOutcomes.Failed, executorId ?? "executor-1", "test: failed", retryable: true, at, () => nextAttemptAt ?? at.AddMinutes(1));
                break;
            case NodeStatus.Cancelled:
                node.Cancel("test: cancelled", at, skipPending: false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state), state, "not a state TestNodes can bring a node to");
        }

        return node;
    }
}
