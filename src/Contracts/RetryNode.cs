namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: a failed node's backoff delay is over. Scheduled by <c>WorkflowStateMachine</c> through the message
/// scheduler (a persisted Quartz trigger) when an attempt fails with attempts left; delivered to <c>workflow-state</c>,
/// where the saga dispatches <c>Attempt + 1</c> if the node is still <c>retrying</c> after <see cref="Attempt"/>.
/// </summary>
public sealed record RetryNode
{
    public Guid WorkflowId { get; init; }
    public string NodeId { get; init; } = "";

    /// <summary>The attempt that failed; a timer for any other attempt is stale and ignored.</summary>
    public int Attempt { get; init; }
}
