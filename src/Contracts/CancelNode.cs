namespace SagaWorkflow.Contracts;

/// <summary>
/// Event-style command: stop running this attempt (it timed out, its workflow was cancelled, or it was superseded: its
/// executor was lost, or it reported starting after that). Published by
/// <c>WorkflowStateMachine</c>; every executor process receives it on its own temporary queue and cancels the
/// attempt's token if it runs it. Whatever the attempt reports afterwards is stale.
/// </summary>
public sealed record CancelNode
{
    public Guid WorkflowId { get; init; }
    public string NodeId { get; init; } = "";
    public int Attempt { get; init; }
    public string ExecutionId { get; init; } = "";
    public string Reason { get; init; } = "";
}
