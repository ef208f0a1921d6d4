using MassTransit;

namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// The messages of one saga applied in one transaction: the first to arrive leads (opens the transaction, loads and
/// locks the row), messages for the same saga that arrive meanwhile queue here and are applied one after another on
/// the instance already loaded, then one commit covers them all. A 200-child fan-in then costs a few transactions
/// instead of 200, each reloading 200 node rows. Batches cannot grow without bound: no member is acknowledged before
/// the commit, so a batch never holds more messages than its endpoint's concurrency limit.
/// </summary>
internal sealed class SagaBatch<TSaga>
    where TSaga : class, IVersionedSaga
{
    private readonly Queue<SagaBatchMember<TSaga>> _waiting = new();

    /// <summary>The instance loaded (tracked) in the current transaction, so the next member does not read it again.</summary>
    public TSaga? Loaded { get; set; }

    /// <summary>
    /// Whether the member now running leaves its save to the end of the transaction (<see cref="SagaSaves"/>): set by the
    /// leader per member, read by that member's repository context.
    /// </summary>
    public bool DefersSave { get; set; }

    /// <summary>Saves of members applied since the last one written: the saga's rows and the outbox rows they staged.</summary>
    public SagaSaves Deferred { get; } = new();

    /// <summary>Called under the batches' lock.</summary>
    public void Enqueue(SagaBatchMember<TSaga> member) => _waiting.Enqueue(member);

    /// <summary>Called under the batches' lock.</summary>
    public SagaBatchMember<TSaga>? Dequeue() => _waiting.TryDequeue(out var member) ? member : null;

    /// <summary>The loaded instance when it is the saga <paramref name="correlationId"/>, else null.</summary>
    public TSaga? Find(Guid correlationId) => Loaded?.CorrelationId == correlationId ? Loaded : null;
}

/// <summary>
/// One message waiting in a <see cref="SagaBatch{TSaga}"/>: how to run its saga pipe on the batch's DbContext, and the
/// task its own delivery awaits (completed after the commit, or faulted with its own or the commit's exception).
/// </summary>
internal sealed class SagaBatchMember<TSaga>(ConsumeContext context, Func<WorkflowDbContext, SagaBatch<TSaga>, Task> run)
    where TSaga : class, IVersionedSaga
{
    // The leader runs this member's pipe, but in the member's own execution context, so its log scope (workflow,
    // node, attempt) and trace activity stay those of its own message.
    private readonly ExecutionContext? _flow = ExecutionContext.Capture();

    public ConsumeContext Context { get; } = context;

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task RunAsync(WorkflowDbContext db, SagaBatch<TSaga> batch)
    {
        if (_flow is null)
            return run(db, batch);
        Task task = null!;
        ExecutionContext.Run(_flow, _ => task = run(db, batch), null);
        return task;
    }
}
