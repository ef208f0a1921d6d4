namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: attempts of this workflow were running on an executor that is gone. Sent to <c>workflow-state</c> by the
/// orchestrator's failover consumer on <see cref="ExecutorLost"/>; consumed by <c>WorkflowStateMachine</c>, which applies
/// each node's <c>onExecutorLost</c> policy to the attempts that are still current and still on that executor.
/// </summary>
public sealed record ReassignNodes
{
    public Guid WorkflowId { get; init; }
    public string ExecutorId { get; init; } = "";
    public IReadOnlyList<NodeAttemptRef> Attempts { get; init; } = [];
    public string Reason { get; init; } = "";
}

/// <summary>One attempt of one node.</summary>
public sealed record NodeAttemptRef
{
    public string NodeId { get; init; } = "";
    public int Attempt { get; init; }
}
