using MassTransit;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// Hands the repository's DbContext (and so its open transaction) to state machine steps that write rows of their own,
/// such as <c>node_attempts</c>. Kept in a holder on the consume context that each delivery attempt re-points, because
/// a retried message reuses the context but gets a fresh DbContext.
/// </summary>
public static class SagaDatabase
{
    public static void Attach(ConsumeContext context, WorkflowDbContext db)
    {
        var holder = context.GetOrAddPayload(() => new Holder());
        holder.Db = db;
        holder.AfterCommit.Clear();
    }

    /// <summary>
    /// Runs <paramref name="action"/> once this delivery's transaction has committed (at once outside our repository), so
    /// side effects that cannot be rolled back, such as metric counts, are not repeated by a retried delivery.
    /// </summary>
    public static void AfterCommit(PipeContext context, Action action)
    {
        if (context.TryGetPayload<Holder>(out var holder) && holder.Db is not null)
            holder.AfterCommit.Add(action);
        else
            action();
    }

    /// <summary>Called by the repository after its commit: runs and forgets what steps deferred with <see cref="AfterCommit"/>.</summary>
    public static void Committed(PipeContext context)
    {
        if (!context.TryGetPayload<Holder>(out var holder))
            return;
        foreach (var action in holder.AfterCommit)
            action();
        holder.AfterCommit.Clear();
    }

    /// <summary>False outside our repository (the in-memory test harness): callers then write nothing.</summary>
    public static bool TryGet(PipeContext context, out WorkflowDbContext db)
    {
        db = null!;
        if (!context.TryGetPayload<Holder>(out var holder) || holder.Db is null)
            return false;
        db = holder.Db;
        return true;
    }

    private sealed class Holder
    {
        public WorkflowDbContext? Db { get; set; }
        public List<Action> AfterCommit { get; } = [];
    }
}
