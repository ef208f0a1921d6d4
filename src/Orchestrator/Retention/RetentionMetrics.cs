using System.Diagnostics.Metrics;
using SagaWorkflow.Orchestrator.Metrics;

namespace SagaWorkflow.Orchestrator.Retention;

/// <summary>
/// <c>sagaworkflow_retention_rows_purged_total{table}</c>: rows deleted by retention (the job and the purge endpoint alike),
/// counted after each batch commits.
/// </summary>
internal static class RetentionMetrics
{
    private static readonly Counter<long> RowsPurged = WorkflowMetrics.Meter.CreateCounter<long>("sagaworkflow.retention.rows_purged", "{row}",
        "Rows deleted by retention, by table");

    public static void Purged(PurgeCounts counts)
    {
        Add("workflow_instances", counts.Workflows);
        Add("workflow_nodes", counts.Nodes);
        Add("node_attempts", counts.Attempts);
        Add("schedule_fires", counts.ScheduleFires);
    }

    private static void Add(string table, long rows)
    {
        if (rows > 0)
            RowsPurged.Add(rows, new KeyValuePair<string, object?>("table", table));
    }
}
