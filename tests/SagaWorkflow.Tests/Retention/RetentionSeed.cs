using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Scheduling;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Tests.Retention;

/// <summary>
/// Rows for retention tests. Bulk rows are inserted set-based (one INSERT ... SELECT per table over a generated series):
/// 100,000 workflows through EF would take minutes. Ids are <c>00000000-0000-0000-0000-nnnnnnnnnnnn</c>, so a test knows
/// every one it made.
/// </summary>
public static class RetentionSeed
{
    public const string BulkDefinition = "seeded-bulk";

    public static Guid BulkId(int n) => Guid.Parse($"00000000-0000-0000-0000-{n:D12}");

    /// <summary>
    /// <paramref name="count"/> (at most 100,000) finished workflows that ended one second apart up to <paramref name="finishedAt"/>
    /// (Completed, Failed, Cancelled in turn), each with one node and one attempt.
    /// </summary>
    public static async Task BulkFinishedAsync(WorkflowDbContext db, DatabaseProvider provider, int count, DateTime finishedAt)
    {
        // The dialects differ in building a GUID text, in casting it, and in writing a UTC time; the rest is shared.
        var digits = "(SELECT 0 AS x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 " +
            "UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
        var numbers = $"(SELECT a.x + 10 * b.x + 100 * c.x + 1000 * d.x + 10000 * e.x + 1 AS n FROM {digits} a CROSS JOIN {digits} b " +
            $"CROSS JOIN {digits} c CROSS JOIN {digits} d CROSS JOIN {digits} e) numbers";
        var prefix = "'00000000-0000-0000-0000-'";
        var id = provider switch
        {
            DatabaseProvider.MySql => $"CONCAT({prefix}, LPAD(n, 12, '0'))",
            DatabaseProvider.Postgres => $"CAST({prefix} || lpad(CAST(n AS text), 12, '0') AS uuid)",
            _ => $"{prefix} || substr('000000000000' || n, -12)",
        };
        // One second apart (a day and a bit for 100,000), as real runs are: equal times would make every list query sort them all.
        var start = finishedAt.AddSeconds(-count).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var at = provider switch
        {
            DatabaseProvider.MySql => $"TIMESTAMPADD(SECOND, n, '{start}')",
            DatabaseProvider.Postgres => $"(TIMESTAMPTZ '{start}+00' + n * INTERVAL '1 second')",
            _ => $"strftime('%Y-%m-%d %H:%M:%S', '{start}', '+' || n || ' seconds')",
        };
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO workflow_instances (correlation_id, current_state, definition_name, definition_version, definition_json, triggered_by, " +
            "created_at, updated_at, finished_at, version) " +
            $"SELECT {id}, CASE n % 3 WHEN 0 THEN 'Completed' WHEN 1 THEN 'Failed' ELSE 'Cancelled' END, '{BulkDefinition}', 1, " +
            $"{{0}}, 'api', {at}, {at}, {at}, 1 FROM {numbers} WHERE n <= {count}",
            [$$"""{"name":"{{BulkDefinition}}","nodes":[{"id":"a","capability":"noop"}]}"""]);
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO workflow_nodes (workflow_id, node_id, ordinal, capability, state, attempt, max_attempts, depends_on_json, " +
            "on_executor_lost, failovers, dispatched_at, started_at, finished_at) " +
            "SELECT correlation_id, 'a', 0, 'noop', 'succeeded', 1, 1, '[]', 'redispatch', 0, finished_at, finished_at, finished_at " +
            $"FROM workflow_instances WHERE definition_name = '{BulkDefinition}'");
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO node_attempts (workflow_id, node_id, attempt, outcome, arrived_late, dispatched_at, started_at, finished_at) " +
            "SELECT correlation_id, 'a', 1, 'succeeded', FALSE, finished_at, finished_at, finished_at " +
            $"FROM workflow_instances WHERE definition_name = '{BulkDefinition}'");
    }

    /// <summary>One workflow in <paramref name="state"/> (finished at <paramref name="finishedAt"/>, or unfinished), with two nodes and an attempt each.</summary>
    public static async Task<Guid> OneAsync(WorkflowDbContextFactory factory, string state, DateTime? finishedAt, DateTime createdAt)
    {
        await using var db = factory.Create();
        var workflow = new WorkflowState
        {
            CorrelationId = Guid.NewGuid(), CurrentState = state, DefinitionName = "seeded-one", DefinitionVersion = 1, DefinitionJson = "{}",
            CreatedAt = createdAt, UpdatedAt = finishedAt ?? createdAt, FinishedAt = finishedAt, Version = 1,
            Nodes = [Workflows.TestNodes.In("a", NodeStatus.Succeeded, 1), Workflows.TestNodes.In("b", NodeStatus.Succeeded, 1)],
        };
        db.Workflows.Add(workflow);
        foreach (var node in new[] { "a", "b" })
        {
            db.NodeAttempts.Add(new NodeAttempt
            {
                WorkflowId = workflow.CorrelationId, NodeId = node, Attempt = 1, Outcome = AttemptOutcomes.Succeeded, DispatchedAt = createdAt,
            });
        }

        await db.SaveChangesAsync();
        return workflow.CorrelationId;
    }

    /// <summary>A fire-ledger row of a cron schedule, pointing at <paramref name="workflowId"/> (null: a skipped fire).</summary>
    public static async Task FireAsync(WorkflowDbContextFactory factory, string scheduleId, DateTime fireTime, Guid? workflowId)
    {
        await using var db = factory.Create();
        db.ScheduleFires.Add(new ScheduleFire
        {
            ScheduleId = scheduleId, FireTime = fireTime, Outcome = workflowId is null ? "skipped" : "fired", WorkflowId = workflowId,
            Reason = workflowId is null ? "misfire" : null, RecordedAt = fireTime,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>Rows per table, and the ids left in <c>workflow_instances</c>, <c>workflow_nodes</c> and <c>node_attempts</c>.</summary>
    public static async Task<Remaining> RemainingAsync(WorkflowDbContextFactory factory)
    {
        await using var db = factory.Create();
        return new Remaining(
            (await db.Workflows.Select(w => w.CorrelationId).ToListAsync()).ToHashSet(),
            (await db.Nodes.Select(n => n.WorkflowId).Distinct().ToListAsync()).ToHashSet(),
            (await db.NodeAttempts.Select(a => a.WorkflowId).Distinct().ToListAsync()).ToHashSet(),
            await db.Nodes.CountAsync(), await db.NodeAttempts.CountAsync(),
            (await db.ScheduleFires.Select(f => f.ScheduleId + "@" + (f.WorkflowId == null ? "none" : "wf")).ToListAsync()).Order().ToList());
    }

    public sealed record Remaining(HashSet<Guid> Workflows, HashSet<Guid> NodesOf, HashSet<Guid> AttemptsOf, int Nodes, int Attempts, List<string> Fires);
}
