namespace SagaWorkflow.Persistence.Workflows;

/// <summary>
/// One attempt of one node (a <c>node_attempts</c> row, keyed by workflow, node and attempt): where it ran, how it ended,
/// and whether its result arrived after the attempt had been superseded (then it was recorded here and not applied).
/// Written by the workflow saga in the same transaction as the node row; never loaded by it.
/// </summary>
public class NodeAttempt
{
    public Guid WorkflowId { get; set; }
    public string NodeId { get; set; } = "";
    public int Attempt { get; set; }

    /// <summary>The executor that last took this attempt.</summary>
    public string? ExecutorId { get; set; }

    /// <summary>
    /// An executor that held this same attempt before <see cref="ExecutorId"/> did: the broker handed the unacknowledged
    /// command to another executor when the first one's connection dropped (kill -9).
    /// </summary>
    public string? RedeliveredFrom { get; set; }

    /// <summary>See <see cref="AttemptOutcomes"/>.</summary>
    public string Outcome { get; set; } = AttemptOutcomes.Dispatched;

    public string? Error { get; set; }

    /// <summary>Why the attempt was superseded (executor lost, drain deadline, never started), if it was.</summary>
    public string? SupersededReason { get; set; }

    /// <summary>True when the result came from an attempt that was no longer current: recorded, not applied (fenced off).</summary>
    public bool ArrivedLate { get; set; }

    public DateTime DispatchedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

/// <summary>Values of <c>node_attempts.outcome</c>.</summary>
public static class AttemptOutcomes
{
    public const string Dispatched = "dispatched";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string TimedOut = "timed_out";

    /// <summary>Its executor was declared lost; the node went to another attempt (or in_doubt / failed, per policy).</summary>
    public const string Lost = "lost";

    /// <summary>A draining executor gave it back at its drain deadline.</summary>
    public const string HandedOver = "handed_over";

    /// <summary>The command sat undelivered too long (possibly lost in transit); a new attempt was dispatched.</summary>
    public const string NeverStarted = "never_started";

    /// <summary>Sticky routing: its key's executor began draining before starting it; the next attempt went to the key's new owner.</summary>
    public const string Rerouted = "rerouted";

    public const string Cancelled = "cancelled";

    /// <summary>Whether the attempt ended with an outcome of its own (not taken away, not still under way).</summary>
    public static bool Ended(string? outcome) => outcome is Succeeded or Failed or TimedOut;
}
