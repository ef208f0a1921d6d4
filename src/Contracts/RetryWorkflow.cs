namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: re-run a <c>Failed</c> or <c>Cancelled</c> workflow from where it stopped: failed, cancelled and skipped
/// nodes go back to pending with a fresh retry budget (their attempt numbers continue, so old results stay fenced),
/// succeeded nodes keep their outputs, and the saga returns to <c>Running</c>. Any other state changes nothing.
/// </summary>
public sealed record RetryWorkflow
{
    public Guid WorkflowId { get; init; }
    public string? Reason { get; init; }
}
