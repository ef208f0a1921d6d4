namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: a valid workflow was accepted and its first nodes dispatched. Published by <c>WorkflowStateMachine</c>;
/// consumed by clients and the local runner. Correlates by <see cref="WorkflowId"/>.
/// </summary>
public sealed record WorkflowStarted
{
    public Guid WorkflowId { get; init; }
    public string DefinitionName { get; init; } = "";
    public int DefinitionVersion { get; init; }
    public int NodeCount { get; init; }
    public DateTime Timestamp { get; init; }
}
