using Microsoft.Extensions.Configuration;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Orchestrator.Retention;

/// <summary>
/// Section <c>Retention</c>: the clustered job that deletes finished workflows older than <see cref="OlderThan"/>
/// (<see cref="RetentionJob"/>). Off by default: deleting history is irreversible and an upgrade must not start doing it
/// unasked (docs/operations.md#retention).
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    public bool Enabled { get; set; }

    /// <summary>A finished workflow is deleted once its <c>finished_at</c> is this far in the past.</summary>
    public TimeSpan OlderThan { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the job runs (on one orchestrator of the cluster).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Workflows per transaction: each batch deletes them and their rows, then commits, so no lock is held long.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Values that are not durations (kept aside by <see cref="Read"/>, reported by <see cref="RetentionOptionsValidator"/>).</summary>
    internal List<string> Unreadable { get; } = [];

    /// <summary>
    /// Binds the section, durations as definitions write them (<c>30d</c>, <c>12h</c>) or as TimeSpans
    /// (<c>30.00:00:00</c>): the configuration binder alone knows only the latter, and fails with a stack trace.
    /// </summary>
    public void Read(IConfigurationSection section)
    {
        if (section[nameof(Enabled)] is { } enabled)
        {
            if (bool.TryParse(enabled, out var on))
                Enabled = on;
            else
                Unreadable.Add($"{Section}:{nameof(Enabled)} must be true or false, not '{enabled}'");
        }

        OlderThan = Duration(section, nameof(OlderThan), OlderThan);
        Interval = Duration(section, nameof(Interval), Interval);
        if (section[nameof(BatchSize)] is { } size)
        {
            if (int.TryParse(size, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                BatchSize = parsed;
            else
                Unreadable.Add($"{Section}:{nameof(BatchSize)} must be a whole number, not '{size}'");
        }
    }

    private TimeSpan Duration(IConfigurationSection section, string key, TimeSpan fallback)
    {
        if (section[key] is not { } text)
            return fallback;
        if (FlexibleTimeSpanConverter.TryParse(text.Trim(), out var value))
            return value;
        Unreadable.Add($"{Section}:{key} '{text}' is not a duration; use e.g. 30d, 12h, 90m or 30.00:00:00");
        return fallback;
    }
}
