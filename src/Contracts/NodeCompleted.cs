using System.Text.Json;

namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: an attempt succeeded. Published by the executor host; consumed by <c>WorkflowStateMachine</c>
/// (correlates by <see cref="WorkflowId"/>), which applies it only when <see cref="Attempt"/> is the node's current attempt.
/// </summary>
public sealed record NodeCompleted
{
    public Guid WorkflowId { get; init; }
    public string NodeId { get; init; } = "";
    public int Attempt { get; init; }
    public string ExecutorId { get; init; } = "";
    public JsonElement? Output { get; init; }
    public DateTime Timestamp { get; init; }
}
