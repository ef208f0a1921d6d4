namespace SagaWorkflow.Persistence.Scheduling;

/// <summary>
/// One planned fire time of one cron schedule: a <c>schedule_fires</c> row, unique on (schedule_id, fire_time), saying
/// whether it fired (and which workflow it started) or was skipped and why. Answers "did the 02:00 run happen?".
/// </summary>
public class ScheduleFire
{
    public string ScheduleId { get; set; } = "";

    /// <summary>The planned fire time (UTC), not when it actually ran.</summary>
    public DateTime FireTime { get; set; }

    /// <summary><c>fired</c> or <c>skipped</c>.</summary>
    public string Outcome { get; set; } = "";

    public Guid? WorkflowId { get; set; }

    /// <summary>Why it was skipped (<c>misfire</c>, <c>paused</c>), or null.</summary>
    public string? Reason { get; set; }

    /// <summary>When it actually fired or was recorded as skipped.</summary>
    public DateTime RecordedAt { get; set; }
}
