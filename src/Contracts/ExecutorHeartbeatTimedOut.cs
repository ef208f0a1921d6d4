namespace SagaWorkflow.Contracts;

/// <summary>
/// Scheduled message: no heartbeat from an executor within its timeout. Scheduled (and re-scheduled on every heartbeat)
/// by <c>ExecutorStateMachine</c> through the message scheduler; only the newest schedule's token is honoured.
/// </summary>
public sealed record ExecutorHeartbeatTimedOut
{
    public Guid ExecutorCorrelationId { get; init; }
    public string ExecutorId { get; init; } = "";
}
