namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: a workflow's deadline (definition <c>timeout</c>) passed. Scheduled by <c>WorkflowStateMachine</c> with
/// <c>Schedule</c> when the run starts and unscheduled when it ends; the saga drops it unless its
/// <c>MT-Scheduling-TokenId</c> matches the armed one. It fails the run and cancels its running nodes.
/// </summary>
public sealed record WorkflowTimedOut
{
    public Guid WorkflowId { get; init; }
}
