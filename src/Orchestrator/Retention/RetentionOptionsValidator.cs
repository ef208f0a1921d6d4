using Microsoft.Extensions.Options;

namespace SagaWorkflow.Orchestrator.Retention;

/// <summary>Fails start-up on a bad <c>Retention</c> setting, naming the key and the value (all of them at once).</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public const int MaxBatchSize = 10_000;

    /// <summary>
    /// The youngest age retention deletes at, for the job and the purge endpoint alike: a run that finished minutes ago may
    /// still be looked at, and "7m" typed for "7d" must not empty the history.
    /// </summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>(options.Unreadable);
        if (options.OlderThan < MinimumAge)
            failures.Add($"{RetentionOptions.Section}:OlderThan must be at least 1h (a younger finished run may still be looked at), not {options.OlderThan}");
        if (options.Interval < TimeSpan.FromMinutes(1))
            failures.Add($"{RetentionOptions.Section}:Interval must be at least 1m, not {options.Interval}");
        if (options.BatchSize is < 1 or > MaxBatchSize)
            failures.Add($"{RetentionOptions.Section}:BatchSize must be 1-{MaxBatchSize}, not {options.BatchSize}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
