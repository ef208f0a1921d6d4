using Microsoft.EntityFrameworkCore;

namespace SagaWorkflow.Persistence.Workflows;

/// <summary>
/// The <c>node_attempts</c> rows one node's methods created or changed, waiting to be written with the saga's own save
/// (the repository calls <see cref="WriteTo"/> just before it, so they share the transaction and its version check).
/// Only the changed columns of an existing row are written: a row made in an earlier transaction is not read back.
/// Outside a database (MassTransit's in-memory test harness) nothing is written and <see cref="Rows"/> keeps every
/// attempt of the node, so harness tests see the same history SQL shows.
/// </summary>
public sealed class NodeAttemptChanges
{
    // Made on the first change: every node row a saga loads has one of these, and most are never changed.
    private Dictionary<int, NodeAttempt>? _rowsByAttempt;
    private Dictionary<int, HashSet<string>?>? _unwrittenByAttempt;

    private Dictionary<int, NodeAttempt> RowsByAttempt => _rowsByAttempt ??= [];
    private Dictionary<int, HashSet<string>?> UnwrittenByAttempt => _unwrittenByAttempt ??= [];

    /// <summary>The attempts of this node known in memory, in attempt order (all of them, in the test harness).</summary>
    public IReadOnlyList<NodeAttempt> Rows => _rowsByAttempt?.Values.OrderBy(r => r.Attempt).ToList() ?? [];

    /// <summary>Whether a row waits to be written.</summary>
    internal bool Unwritten => _unwrittenByAttempt is { Count: > 0 };

    internal void Dispatched(WorkflowNodeState node, DateTime at)
    {
        RowsByAttempt[node.Attempt] = new NodeAttempt
        {
            WorkflowId = node.WorkflowId,
            NodeId = node.NodeId,
            Attempt = node.Attempt,
            ExecutorId = node.TargetExecutor ?? node.RoutedExecutor,
            Outcome = AttemptOutcomes.Dispatched,
            DispatchedAt = at,
        };
        UnwrittenByAttempt[node.Attempt] = null; // a new row: inserted whole
        node.Touch();
    }

    /// <summary>An executor took the attempt; <paramref name="redeliveredFrom"/> had it before (the broker handed it on).</summary>
    internal void Started(WorkflowNodeState node, string executorId, string? redeliveredFrom, DateTime at)
    {
        var row = Edit(node, node.Attempt);
        Set(row, nameof(NodeAttempt.ExecutorId), executorId);
        if (redeliveredFrom is not null)
            Set(row, nameof(NodeAttempt.RedeliveredFrom), redeliveredFrom);
        Set(row, nameof(NodeAttempt.Outcome), AttemptOutcomes.Running);
        Set(row, nameof(NodeAttempt.StartedAt), at);
    }

    /// <summary>The current attempt reported (or was given) its outcome; <paramref name="startedAt"/> is the node's start.</summary>
    internal void Finished(WorkflowNodeState node, string outcome, string? executorId, string? error, DateTime? startedAt, DateTime at)
    {
        var row = Edit(node, node.Attempt);
        Set(row, nameof(NodeAttempt.Outcome), outcome);
        if (executorId is not null)
            Set(row, nameof(NodeAttempt.ExecutorId), executorId);
        Set(row, nameof(NodeAttempt.Error), error);
        if (startedAt is not null)
            Set(row, nameof(NodeAttempt.StartedAt), startedAt);
        Set(row, nameof(NodeAttempt.FinishedAt), at);
    }

    /// <summary>The attempt was taken away from wherever it was (lost, handed over, never started, cancelled).</summary>
    internal void Superseded(WorkflowNodeState node, string outcome, string reason, DateTime at)
    {
        var row = Edit(node, node.Attempt);
        Set(row, nameof(NodeAttempt.Outcome), outcome);
        Set(row, nameof(NodeAttempt.SupersededReason), reason);
        Set(row, nameof(NodeAttempt.FinishedAt), at);
    }

    /// <summary>
    /// A result of an earlier attempt, after the node moved on: kept on its row as arrived late, never applied, unless
    /// that attempt already ended with an outcome of its own (succeeded, failed, timed out). Then the report is only the
    /// echo of how it ended (a timed-out attempt's executor reports "cancelled while running"), and it must not depend on
    /// message order whether the row keeps its outcome: arriving while the retry waits, the same report is ignored as a
    /// duplicate. A row this process does not hold in memory is written by a guarded UPDATE after the save
    /// (<see cref="WriteLateResultsAsync"/>), since its stored outcome is not read back.
    /// </summary>
    internal void ArrivedLate(WorkflowNodeState node, int attempt, string outcome, string executorId, string? error, DateTime at)
    {
        if (RowsByAttempt.TryGetValue(attempt, out var known) && known.Outcome is not null)
        {
            if (AttemptOutcomes.Ended(known.Outcome))
                return;
            var row = Edit(node, attempt);
            Set(row, nameof(NodeAttempt.Outcome), outcome);
            Set(row, nameof(NodeAttempt.ArrivedLate), true);
            Set(row, nameof(NodeAttempt.ExecutorId), executorId);
            Set(row, nameof(NodeAttempt.Error), error);
            Set(row, nameof(NodeAttempt.FinishedAt), at);
            return;
        }

        // Kept in memory too (the test harness reads its history from here), but written only by the guarded UPDATE.
        var late = new NodeAttempt
        {
            WorkflowId = node.WorkflowId, NodeId = node.NodeId, Attempt = attempt,
            Outcome = outcome, ArrivedLate = true, ExecutorId = executorId, Error = error, FinishedAt = at,
        };
        RowsByAttempt[attempt] = late;
        (_lateRows ??= []).Add(late);
        node.Touch();
    }

    private List<NodeAttempt>? _lateRows;

    /// <summary>Whether a guarded late-result update waits for <see cref="WriteLateResultsAsync"/>.</summary>
    internal bool HasLateRows => _lateRows is { Count: > 0 };

    /// <summary>
    /// After the save, in its transaction: each late result this node recorded on a row it did not hold, written only
    /// where the stored attempt has not ended with an outcome of its own. Rare (a result behind a failover or a retry).
    /// </summary>
    public async Task WriteLateResultsAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (_lateRows is not { Count: > 0 })
            return;
        foreach (var late in _lateRows)
        {
            await db.Set<NodeAttempt>()
                .Where(a => a.WorkflowId == late.WorkflowId && a.NodeId == late.NodeId && a.Attempt == late.Attempt
                    && a.Outcome != AttemptOutcomes.Succeeded && a.Outcome != AttemptOutcomes.Failed && a.Outcome != AttemptOutcomes.TimedOut)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(a => a.Outcome, late.Outcome)
                    .SetProperty(a => a.ArrivedLate, true)
                    .SetProperty(a => a.ExecutorId, late.ExecutorId)
                    .SetProperty(a => a.Error, late.Error)
                    .SetProperty(a => a.FinishedAt, late.FinishedAt), cancellationToken).ConfigureAwait(false);
        }

        _lateRows.Clear();
    }

    /// <summary>
    /// Hands what changed since the last call to <paramref name="db"/>, to be saved with the saga row: new rows as inserts,
    /// changed ones as updates of just those columns (of the instance the context already tracks, when a batch's earlier
    /// message wrote it).
    /// </summary>
    public void WriteTo(DbContext db)
    {
        if (!Unwritten)
            return;
        foreach (var (attempt, changed) in UnwrittenByAttempt)
        {
            var row = RowsByAttempt[attempt];
            var tracked = db.Set<NodeAttempt>().Local.FindEntryUntyped([row.WorkflowId, row.NodeId, row.Attempt]);
            if (changed is null && tracked is null)
            {
                db.Add(row);
                continue;
            }

            var entry = tracked ?? db.Attach(row);
            if (entry.State == EntityState.Added)
                continue; // inserted whole at the save, with whatever changed since
            foreach (var property in (IEnumerable<string>?)changed ?? AllColumns)
            {
                entry.Property(property).CurrentValue = Properties[property].GetValue(row);
                entry.Property(property).IsModified = true;
            }
        }

        UnwrittenByAttempt.Clear();
    }

    // Looked up once: Set runs for every result a saga applies.
    private static readonly Dictionary<string, System.Reflection.PropertyInfo> Properties = typeof(NodeAttempt).GetProperties().ToDictionary(p => p.Name);

    private static readonly string[] AllColumns = typeof(NodeAttempt).GetProperties()
        .Select(p => p.Name)
        .Where(n => n is not (nameof(NodeAttempt.WorkflowId) or nameof(NodeAttempt.NodeId) or nameof(NodeAttempt.Attempt)))
        .ToArray();

    /// <summary>The row of <paramref name="attempt"/> to change: the one in memory, or a stand-in keyed to the stored one.</summary>
    private NodeAttempt Edit(WorkflowNodeState node, int attempt)
    {
        if (!RowsByAttempt.TryGetValue(attempt, out var row))
        {
            row = new NodeAttempt { WorkflowId = node.WorkflowId, NodeId = node.NodeId, Attempt = attempt };
            RowsByAttempt[attempt] = row;
        }

        if (!UnwrittenByAttempt.ContainsKey(attempt))
            UnwrittenByAttempt[attempt] = [];
        node.Touch();
        return row;
    }

    private void Set(NodeAttempt row, string property, object? value)
    {
        Properties[property].SetValue(row, value);
        UnwrittenByAttempt[row.Attempt]?.Add(property);
    }
}
