using System.Text.Json;

namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: an operator's decision on an <c>in_doubt</c> node (its executor was lost while it ran, and its policy is
/// <c>park</c>). Sent to <c>workflow-state</c> (HTTP API resolve endpoint, <c>sagaflow resolve</c>, orchestrator verb <c>node resolve</c>); consumed by <c>WorkflowStateMachine</c>.
/// <see cref="Decision"/>: <c>succeed</c> (with <see cref="Output"/>), <c>retry</c> (a new attempt) or <c>fail</c>.
/// </summary>
public sealed record ResolveNode
{
    public Guid WorkflowId { get; init; }
    public string NodeId { get; init; } = "";
    public string Decision { get; init; } = "";
    public JsonElement? Output { get; init; }
    public string? Reason { get; init; }

    public const string Succeed = "succeed";
    public const string Retry = "retry";
    public const string Fail = "fail";
}
