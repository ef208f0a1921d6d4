using Microsoft.Extensions.Options;

namespace SagaWorkflow.Executors.Hosting;

/// <summary>Fails start-up on a bad executor setting, naming the key and the value.</summary>
public sealed class ExecutorOptionsValidator(IEnumerable<INodeExecutor> executors) : IValidateOptions<ExecutorOptions>
{
    public ValidateOptionsResult Validate(string? name, ExecutorOptions options)
    {
        var failures = new List<string>();
        if (options.Concurrency is < 1 or > 1000)
            failures.Add($"{ExecutorOptions.Section}:Concurrency must be 1-1000, not {options.Concurrency}");
        if (string.IsNullOrWhiteSpace(options.ExecutorId))
            failures.Add($"{ExecutorOptions.Section}:ExecutorId must not be empty");
        var known = executors.Select(e => e.Capability).ToHashSet(StringComparer.Ordinal);
        foreach (var capability in ExecutorRegistration.NamedCapabilities(options).Where(c => !known.Contains(c)))
            failures.Add($"{ExecutorOptions.Section}:Capabilities names '{capability}', which no executor here provides (known: {string.Join(", ", known.Order())})");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
