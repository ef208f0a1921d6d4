using MassTransit;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// Hands the repository's DbContext (and so its open transaction) to state machine steps that write rows of their own,
/// such as <c>node_attempts</c>. Kept in a holder on the consume context that each delivery attempt re-points, because
/// a retried message reuses the context but gets a fresh DbContext.
/// </summary>
public static class SagaDatabase
{
    public static void Attach(ConsumeContext context, WorkflowDbContext db) => context.GetOrAddPayload(() => new Holder()).Db = db;

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
    }
}
