using System.Text.Json;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// A cron schedule: every fire of <see cref="Cron"/> (Quartz syntax, with seconds: <c>0 0 2 * * ?</c> is 02:00 daily)
/// in <see cref="TimeZone"/> starts <see cref="Workflow"/> with <see cref="Input"/>. Stored as a Quartz cron trigger.
/// </summary>
public sealed record CronSchedule
{
    public string Id { get; init; } = "";
    public string Cron { get; init; } = "";
    public string TimeZone { get; init; } = "UTC";
    public WorkflowDefinition? Workflow { get; init; }
    public JsonElement? Input { get; init; }
    public bool Enabled { get; init; } = true;
    public MisfirePolicy Misfire { get; init; } = MisfirePolicy.FireOnceNow;

    /// <summary>How late a fire may be before it counts as missed (and the misfire policy applies) rather than merely late.</summary>
    public TimeSpan MisfireThreshold { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>What to do with fire times missed while every orchestrator was down.</summary>
public enum MisfirePolicy
{
    /// <summary>Run once as soon as an orchestrator is back; earlier missed times are recorded as skipped.</summary>
    FireOnceNow,

    /// <summary>Record every missed time as skipped and wait for the next one.</summary>
    Skip,
}
