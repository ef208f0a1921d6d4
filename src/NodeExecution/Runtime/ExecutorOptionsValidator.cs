using Microsoft.Extensions.Options;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>Fails start-up on a bad executor setting, naming the key and the value.</summary>
public sealed class ExecutorOptionsValidator(IEnumerable<INodeExecutor> executors) : IValidateOptions<ExecutorOptions>
{
    public ValidateOptionsResult Validate(string? name, ExecutorOptions options)
    {
        var failures = new List<string>();
        if (options.Concurrency is < 1 or > 1000)
            failures.Add($"{ExecutorOptions.Section}:Concurrency must be 1-1000, not {options.Concurrency}");
        if (options.MaxConcurrency is { } max && (max > 1000 || max < options.Concurrency))
            failures.Add($"{ExecutorOptions.Section}:MaxConcurrency must be {ExecutorOptions.Section}:Concurrency ({options.Concurrency}) to 1000, not {max}");
        if (string.IsNullOrWhiteSpace(options.ExecutorId))
            failures.Add($"{ExecutorOptions.Section}:ExecutorId must not be empty");
        if (options.StartReportDelay < TimeSpan.Zero || options.StartReportDelay > TimeSpan.FromSeconds(5))
            failures.Add($"{ExecutorOptions.Section}:StartReportDelay must be 0 to 5 s, not {options.StartReportDelay}");
        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(100) || options.HeartbeatInterval > TimeSpan.FromMinutes(5))
            failures.Add($"{ExecutorOptions.Section}:HeartbeatInterval must be 100 ms to 5 min, not {options.HeartbeatInterval}");
        if (options.ShutdownDrainDeadline < TimeSpan.Zero)
            failures.Add($"{ExecutorOptions.Section}:ShutdownDrainDeadline must not be negative, not {options.ShutdownDrainDeadline}");
        foreach (var pool in ExecutorRegistration.NamedPools(options).Where(p => !System.Text.RegularExpressions.Regex.IsMatch(p, "^[a-z0-9_-]{1,50}$")))
            failures.Add($"{ExecutorOptions.Section}:Pools names '{pool}'; a pool is 1-50 lower-case letters, digits, '-' or '_'");
        failures.AddRange(BuiltIn.HttpTargetPolicy.Problems(options.Http));
        var known = executors.Select(e => e.Capability).ToHashSet(StringComparer.Ordinal);
        foreach (var capability in ExecutorRegistration.NamedCapabilities(options).Where(c => !known.Contains(c)))
            failures.Add($"{ExecutorOptions.Section}:Capabilities names '{capability}', which no executor here provides (known: {string.Join(", ", known.Order())})");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
