namespace SagaWorkflow.ApiContracts;

/// <summary>
/// <c>POST /api/v1/maintenance/purge</c>: delete finished workflows whose <c>finished_at</c> is more than
/// <see cref="OlderThan"/> ago (<c>7d</c>, <c>12h</c>), only in <see cref="State"/> when given; <see cref="DryRun"/> counts instead.
/// </summary>
public sealed record PurgeBody(string? OlderThan = null, string? State = null, bool? DryRun = null);

/// <summary>
/// What one purge call deleted (or, in a dry run, would delete), per table. A call works for a few seconds at most:
/// while <see cref="Done"/> is false more remains, and the same request carries on.
/// </summary>
public sealed record PurgeAnswer(bool DryRun, DateTime FinishedBefore, string[] States, long Workflows, long Nodes, long Attempts,
    long ScheduleFires, int Batches, bool Done);
