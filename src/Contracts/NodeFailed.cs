namespace SagaWorkflow.Contracts;

/// <summary>
/// Event: an attempt failed. Published by the executor host; consumed by <c>WorkflowStateMachine</c>
/// (correlates by <see cref="WorkflowId"/>). <see cref="Retryable"/> false means retrying cannot help
/// (bad input, a 4xx answer): the node fails at once whatever its retry policy.
/// </summary>
public sealed record NodeFailed
{
    public Guid WorkflowId { get; init; }
    public string NodeId { get; init; } = "";
    public int Attempt { get; init; }
    public string ExecutorId { get; init; } = "";
    public string Error { get; init; } = "";
    public bool Retryable { get; init; } = true;

    /// <summary>The executor gave the attempt back (drain deadline): not a failure of the node; it is dispatched again at once.</summary>
    public bool HandedOver { get; init; }

    /// <summary>
    /// Not run: the command was redelivered after the executor holding it vanished, and the node must not run twice
    /// (policy park or fail). The saga applies the node's onExecutorLost policy.
    /// </summary>
    public bool ExecutorLost { get; init; }
    public DateTime Timestamp { get; init; }

    /// <summary>
    /// When the attempt started. An attempt that ends within the executor's <c>StartReportDelay</c> sends no
    /// <see cref="NodeStarted"/> (it would cost the saga a transaction for a state nobody sees); its start travels here.
    /// </summary>
    public DateTime? StartedAt { get; init; }
}
