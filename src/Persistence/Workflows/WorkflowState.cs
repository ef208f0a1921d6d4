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

    public List<WorkflowNodeState> Nodes { get; set; } = [];

    /// <summary>The <c>node_attempts</c> rows the nodes' changes wrote, saved in this saga's transaction.</summary>
    public void AddOwnRowsTo(Microsoft.EntityFrameworkCore.DbContext db)
    {
        foreach (var node in Nodes)
            node.Attempts.WriteTo(db);
    }
}
