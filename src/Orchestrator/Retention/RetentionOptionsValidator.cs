using Microsoft.Extensions.Options;

namespace SagaWorkflow.Orchestrator.Retention;

/// <summary>Fails start-up on a bad <c>Retention</c> setting, naming the key and the value (all of them at once).</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public const int MaxBatchSize = 10_000;

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>(options.Unreadable);
        if (options.OlderThan < TimeSpan.FromHours(1))
            failures.Add($"{RetentionOptions.Section}:OlderThan must be at least 1h (a younger finished run may still be looked at), not {options.OlderThan}");
        if (options.Interval < TimeSpan.FromMinutes(1))
            failures.Add($"{RetentionOptions.Section}:Interval must be at least 1m, not {options.Interval}");
        if (options.BatchSize is < 1 or > MaxBatchSize)
            failures.Add($"{RetentionOptions.Section}:BatchSize must be 1-{MaxBatchSize}, not {options.BatchSize}");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
