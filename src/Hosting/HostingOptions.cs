using Microsoft.Extensions.Options;

namespace SagaWorkflow.Hosting;

/// <summary>
/// <c>Hosting</c> settings both hosts understand. <see cref="ReadyFile"/> is the readiness probe of a process without
/// HTTP (an executor): the file exists exactly while the process is ready (see <see cref="ReadyFileWriter"/>).
/// </summary>
public sealed class HostingOptions
{
    public const string Section = "Hosting";

    /// <summary>Where to keep the ready file; unset (the default) writes none.</summary>
    public string? ReadyFile { get; set; }

    /// <summary>How often readiness is checked once the host has started.</summary>
    public TimeSpan ReadyFileInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>A bad <c>Hosting</c> value fails the start naming its key and the value.</summary>
internal sealed class HostingOptionsValidator : IValidateOptions<HostingOptions>
{
    public ValidateOptionsResult Validate(string? name, HostingOptions options)
    {
        if (options.ReadyFileInterval <= TimeSpan.Zero)
            return ValidateOptionsResult.Fail(
                $"{HostingOptions.Section}:ReadyFileInterval '{options.ReadyFileInterval}' must be positive");
        // Checked at start, so a mistyped path is an error at once rather than a probe that never passes.
        if (options.ReadyFile is { Length: > 0 } file && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(file))))
            return ValidateOptionsResult.Fail(
                $"{HostingOptions.Section}:ReadyFile '{file}': the directory {Path.GetDirectoryName(Path.GetFullPath(file))} does not exist");
        return ValidateOptionsResult.Success;
    }
}
