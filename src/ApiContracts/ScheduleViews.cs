namespace SagaWorkflow.ApiContracts;

/// <summary>A row of <c>GET /api/v1/schedules</c>: state <c>Normal</c> or <c>Paused</c>, fire times in UTC, the misfire policy by name.</summary>
public sealed record ScheduleView(string Id, string Cron, string TimeZone, string State, DateTimeOffset? NextFireTime,
    DateTimeOffset? PreviousFireTime, string Misfire);

/// <summary>What create, pause, resume and delete of a schedule return.</summary>
public sealed record ScheduleAnswer(string Id, string Status);

/// <summary>One <c>schedule_fires</c> row: <c>fired</c> with its workflow, or <c>skipped</c> with the reason.</summary>
public sealed record FireView(DateTime FireTime, string Outcome, Guid? WorkflowId, string? Reason, DateTime RecordedAt);

/// <summary>What <c>GET /api/v1/schedules/{id}/fires</c> returns, newest planned time first.</summary>
public sealed record ScheduleFires(string Id, IReadOnlyList<FireView> Fires);
