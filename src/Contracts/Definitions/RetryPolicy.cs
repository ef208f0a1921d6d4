using System.Text.Json.Serialization;

namespace SagaWorkflow.Contracts.Definitions;

/// <summary>
/// Retry policy of a node: attempt n+1 waits <c>InitialDelay * BackoffMultiplier^(n-1)</c>, capped at <see cref="MaxDelay"/>.
/// <see cref="MaxAttempts"/> counts the first attempt, so 1 means no retry.
/// </summary>
public sealed record RetryPolicy
{
    public int MaxAttempts { get; init; } = 1;
    [JsonConverter(typeof(FlexibleTimeSpanConverter))]
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);
    public double BackoffMultiplier { get; init; } = 2.0;
    [JsonConverter(typeof(FlexibleTimeSpanConverter))]
    public TimeSpan? MaxDelay { get; init; }
}
