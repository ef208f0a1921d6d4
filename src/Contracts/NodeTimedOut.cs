namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: a node's execution deadline passed. Scheduled by <c>WorkflowStateMachine</c> (a persisted Quartz trigger)
/// when an attempt starts and cancelled when it finishes; delivered to <c>workflow-state</c>. A timer for an attempt
/// that is no longer current and running does nothing.
/// </summary>
public sealed record NodeTimedOut
{
    public Guid WorkflowId { get; init; }
    public string NodeId { get; init; } = "";
    public int Attempt { get; init; }
}
