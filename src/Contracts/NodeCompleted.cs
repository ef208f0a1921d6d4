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

    /// <summary>
    /// When the attempt started. An attempt that ends within the executor's <c>StartReportDelay</c> sends no
    /// <see cref="NodeStarted"/> (it would cost the saga a transaction for a state nobody sees); its start travels here.
    /// </summary>
    public DateTime? StartedAt { get; init; }
}
