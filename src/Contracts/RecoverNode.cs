namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: a node has sat in <c>dispatched</c> longer than the recovery bound, so its ExecuteNode may have been lost
/// (an orchestrator died between saving the saga and the broker confirming the send). Sent by the orchestrator's
/// stale-dispatch sweeper to <c>workflow-state</c>; consumed by <c>WorkflowStateMachine</c>, which dispatches
/// attempt+1 if <see cref="Attempt"/> is still current and undispatched-to-anyone, fencing off the possibly lost one.
/// </summary>
public sealed record RecoverNode
{
    public Guid WorkflowId { get; init; }
    public string NodeId { get; init; } = "";
    public int Attempt { get; init; }
}
