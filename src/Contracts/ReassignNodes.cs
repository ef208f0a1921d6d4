namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: attempts of this workflow were running on an executor that is gone. Sent to <c>workflow-state</c> by the
/// orchestrator's failover consumer on <see cref="ExecutorLost"/>; consumed by <c>WorkflowStateMachine</c>, which applies
/// each node's <c>onExecutorLost</c> policy to the attempts that are still current and still on that executor.
/// Also sent by the executor registry while an executor drains, with <see cref="Draining"/>, for sticky-routed attempts
/// waiting unstarted in its own queue.
/// </summary>
public sealed record ReassignNodes
{
    public Guid WorkflowId { get; init; }
    public string ExecutorId { get; init; } = "";
    public IReadOnlyList<NodeAttemptRef> Attempts { get; init; } = [];
    public string Reason { get; init; } = "";

    /// <summary>
    /// The executor is alive but draining: it will not start these attempts (sticky-routed, still in its own queue), so
    /// they are sent again to their key's new owner whatever their <c>onExecutorLost</c> policy; one that has started
    /// meanwhile is left to finish there.
    /// </summary>
    public bool Draining { get; init; }
}

/// <summary>One attempt of one node.</summary>
public sealed record NodeAttemptRef
{
    public string NodeId { get; init; } = "";
    public int Attempt { get; init; }
}
