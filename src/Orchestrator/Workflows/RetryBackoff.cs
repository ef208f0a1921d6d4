using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>How long a node waits before its next attempt: <c>initialDelay * backoffMultiplier^(failed-1)</c>, capped at <c>maxDelay</c>.</summary>
public static class RetryBackoff
{
    public static TimeSpan DelayAfter(RetryPolicy policy, int failedAttempt)
    {
        var factor = Math.Pow(policy.BackoffMultiplier, Math.Max(0, failedAttempt - 1));
        var delay = policy.InitialDelay.TotalMilliseconds * factor;
        var cap = policy.MaxDelay?.TotalMilliseconds ?? TimeSpan.FromDays(1).TotalMilliseconds;
        return TimeSpan.FromMilliseconds(Math.Min(delay, cap));
    }
}
