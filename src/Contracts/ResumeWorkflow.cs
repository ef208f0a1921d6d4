namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: continue a paused workflow: the saga dispatches every node that became ready while paused and every
/// retry that came due, and returns to <c>Running</c>. Resuming a workflow that is not paused changes nothing.
/// </summary>
public sealed record ResumeWorkflow
{
    public Guid WorkflowId { get; init; }
    public string? Reason { get; init; }
}
