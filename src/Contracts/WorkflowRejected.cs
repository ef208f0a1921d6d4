using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: a <see cref="StartWorkflow"/> carried an invalid definition; nothing was stored and nothing runs.
/// Published by <c>WorkflowStateMachine</c> with every problem found at once; consumed by clients and the local runner.
/// </summary>
public sealed record WorkflowRejected
{
    public Guid WorkflowId { get; init; }
    public IReadOnlyList<DefinitionError> Errors { get; init; } = [];
    public DateTime Timestamp { get; init; }
}
