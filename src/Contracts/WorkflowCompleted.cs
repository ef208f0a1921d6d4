using System.Text.Json;

namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: every node succeeded. Published by <c>WorkflowStateMachine</c>; consumed by clients.
/// <see cref="Outputs"/> holds the outputs of the sink nodes (nodes nothing depends on), keyed by node id.
/// </summary>
public sealed record WorkflowCompleted
{
    public Guid WorkflowId { get; init; }
    public Dictionary<string, JsonElement> Outputs { get; init; } = [];
    public DateTime Timestamp { get; init; }
}
