namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: an executor stopped heartbeating for longer than its timeout (dead, hung, or cut off), or was replaced by a new
/// process under the same id. Published by <c>ExecutorStateMachine</c>; consumed by the orchestrator's failover consumer,
/// which hands every workflow with nodes on that executor a <see cref="ReassignNodes"/>.
/// </summary>
public sealed record ExecutorLost
{
    public string ExecutorId { get; init; } = "";
    public Guid InstanceId { get; init; }

    /// <summary>Execution ids the executor reported in flight at its last heartbeat.</summary>
    public IReadOnlyList<string> InFlight { get; init; } = [];

    public DateTime? LastHeartbeatAt { get; init; }
    public string Reason { get; init; } = "";
    public DateTime Timestamp { get; init; }
}
