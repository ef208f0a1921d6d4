using SagaWorkflow.Persistence.Sagas;

namespace SagaWorkflow.Persistence.Workflows;

/// <summary>
/// Saga state of one workflow run: one <c>workflow_instances</c> row plus its <c>workflow_nodes</c> rows.
/// Only <c>WorkflowStateMachine</c> writes it; people read it with SQL (docs/sql-cookbook.md).
/// </summary>
public class WorkflowState : IVersionedSaga, ISagaWithOwnRows
{
    public Guid CorrelationId { get; set; }

    /// <summary>The state machine's state name (Running, Completed, Failed, Cancelled), readable in SQL.</summary>
    public string CurrentState { get; set; } = "";

    public string DefinitionName { get; set; } = "";
    public int DefinitionVersion { get; set; }

    /// <summary>The definition as submitted (JSON), kept so a run can be inspected and retried as it was.</summary>
    public string DefinitionJson { get; set; } = "";

    public string? InputJson { get; set; }

    /// <summary>Outputs of the sink nodes (JSON object keyed by node id) once completed.</summary>
    public string? OutputJson { get; set; }

    /// <summary>
    /// What started it: message, api, cli or cron. Column <c>triggered_by</c>, not <c>trigger</c>: that is a reserved word
    /// in MySQL, and people's SQL should not need quoting on any store.
    /// </summary>
    public string TriggeredBy { get; set; } = "message";

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>Scheduler token of the armed workflow deadline (MassTransit's Schedule keeps it here).</summary>
    public Guid? DeadlineTokenId { get; set; }

    /// <summary>For runs a cron schedule started: the schedule and the planned fire time (see schedule_fires).</summary>
    public string? ScheduleId { get; set; }

    public DateTime? ScheduledFireTime { get; set; }

    public string? FailedNodeId { get; set; }
    public string? FailureReason { get; set; }

    /// <summary>Optimistic concurrency token: incremented on every save, checked in the UPDATE's WHERE.</summary>
    public int Version { get; set; }

    public NodeCollection Nodes { get; set; } = [];

    /// <summary>
    /// Before a save (EF's own change detection is off): the changed node rows are written together where they changed
    /// alike and marked for EF otherwise (<see cref="NodeUpdatesInGroups"/>), the workflow row's changed columns are
    /// marked, and the <c>node_attempts</c> rows the nodes' changes wrote are added, all in this saga's transaction.
    /// Columns are compared one by one rather than with EF's <c>DetectChanges</c>: for one node row that also re-reads the
    /// run's whole collection of nodes (nodes are never added to or removed from a run after its start).
    /// </summary>
    public async Task PrepareSaveAsync(Microsoft.EntityFrameworkCore.DbContext db, CancellationToken cancellationToken)
    {
        // Only the nodes changed since the last save (the collection is told of each): looking at every node of a wide
        // run on every save was 6 % of a 10,000-node run's CPU in local mode.
        await NodeUpdatesInGroups.WriteAsync(db, Nodes.TouchedSinceSave, cancellationToken).ConfigureAwait(false);
        ChangedColumns.Mark(db.Entry(this));
        foreach (var node in Nodes.TouchedSinceSave)
            node.Attempts.WriteTo(db);
    }

    /// <summary>The late results of the nodes this save wrote (still the touched ones: <see cref="Saved"/> comes after).</summary>
    public async Task WriteAfterSaveAsync(Microsoft.EntityFrameworkCore.DbContext db, CancellationToken cancellationToken)
    {
        foreach (var node in Nodes.TouchedSinceSave)
            await node.Attempts.WriteLateResultsAsync(db, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Wide runs still under way: below 64 nodes reading the rows again costs less than keeping them, and a finished run
    /// rarely hears anything more (a late result), so its rows would only take memory.
    /// </summary>
    public bool WorthKeepingLoaded => Nodes.Count >= 64 && CurrentState is "Running" or "Paused";

    public void Saved() => Nodes.SavedAll();
}
