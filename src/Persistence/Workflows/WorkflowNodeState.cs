namespace SagaWorkflow.Persistence.Workflows;

/// <summary>
/// One node of one workflow run (a <c>workflow_nodes</c> row, keyed by workflow and node) and its current attempt.
/// Its methods are the only way its state changes: each checks that the change is allowed from where the node is, and
/// records the attempt's <c>node_attempts</c> row (<see cref="Attempts"/>), which the repository saves with the saga.
/// What a change sends or schedules (commands, timers, events) is the state machine steps' business, not this type's.
/// This file holds the columns; the changes are in WorkflowNodeState.Changes.cs.
/// </summary>
public partial class WorkflowNodeState
{
    public Guid WorkflowId { get; init; }
    public string NodeId { get; init; } = "";

    /// <summary>Position in the definition, so nodes read back in the order they were written.</summary>
    public int Ordinal { get; init; }

    public string Capability { get; init; } = "";
    public NodeStatus State { get; private set => field = Changed(value); } = NodeStatus.Pending;

    /// <summary>Current attempt (0 before the first dispatch). Results for any other attempt are stale.</summary>
    public int Attempt { get; private set => field = Changed(value); }

    public int MaxAttempts { get; private set => field = Changed(value); } = 1;

    /// <summary>Ids of the nodes this one waits for (JSON array text, e.g. <c>["a","b"]</c>).</summary>
    public string DependsOnJson { get; init; } = "[]";

    public string? InputJson { get; init; }
    public string? OutputJson { get; private set => field = Changed(value); }
    public string? Error { get; private set => field = Changed(value); }
    public string? ExecutorId { get; private set => field = Changed(value); }

    public DateTime? DispatchedAt { get; private set => field = Changed(value); }
    public DateTime? StartedAt { get; private set => field = Changed(value); }
    public DateTime? FinishedAt { get; private set => field = Changed(value); }

    /// <summary>Unused; kept so the column stays until a migration removes it.</summary>
    public DateTime? LastHeartbeatAt { get; private set => field = Changed(value); }

    /// <summary>While <c>retrying</c>: when the next attempt is due (its scheduled RetryNode fires then).</summary>
    public DateTime? NextAttemptAt { get; private set => field = Changed(value); }

    /// <summary>Execution deadline of one attempt in milliseconds (from the definition); none when null.</summary>
    public long? TimeoutMs { get; init; }

    /// <summary>Scheduler token of the armed deadline of the running attempt, so finishing can cancel it.</summary>
    public Guid? TimeoutTokenId { get; private set => field = Changed(value); }

    /// <summary>What to do when the executor running it is lost: <c>redispatch</c> (default), <c>fail</c> or <c>park</c>.</summary>
    public string OnExecutorLost { get; init; } = "redispatch";

    /// <summary>Attempts superseded because their executor was lost or handed them back; they do not use up retries.</summary>
    public int Failovers { get; private set => field = Changed(value); }

    /// <summary>Set while no online executor can take the node (why it waits); cleared when one can.</summary>
    public string? WaitingReason { get; private set => field = Changed(value); }

    /// <summary>Executor pool (label) the node is targeted at; its queue is <c>node.&lt;capability&gt;.&lt;pool&gt;</c>.</summary>
    public string? Pool { get; init; }

    /// <summary>One executor the node is targeted at; its queue is that executor's own.</summary>
    public string? TargetExecutor { get; init; }

    /// <summary>
    /// Sticky routing: the node's key, resolved when the run started (a literal, or the value at a path of the input).
    /// Nodes with the same key run on the executor that owns it among those online.
    /// </summary>
    public string? RoutingKey { get; init; }

    /// <summary>
    /// The executor the routing key sent the latest attempt to (its own queue); null when the key had no owner online
    /// (the attempt then waits in the shared queue) or the node has no key. A lost or draining executor's sticky attempts
    /// still <c>dispatched</c> are found by it and sent again, to the key's new owner.
    /// </summary>
    public string? RoutedExecutor { get; private set => field = Changed(value); }

    /// <summary>The <c>node_attempts</c> rows this node's methods wrote and the repository has yet to save (not a column).</summary>
    public NodeAttemptChanges Attempts { get; } = new();

    // Whether a column changed since the last save. Every column a change can touch has a private setter that sets it
    // (EF Core writes the backing fields when it reads a row, so loading marks nothing), and the repository asks EF to
    // compare only these rows: comparing every row of a 10,000-node run on every save made a fan-out quadratic.
    private bool _columnsChanged;

    /// <summary>Whether this row or its attempts have something the next save must write.</summary>
    public bool Unsaved => _columnsChanged || Attempts.Unwritten || Attempts.HasLateRows;

    // Whether the run's collection has been told since the last save (Touch): a save looks at the nodes it was told of,
    // not at every node of the run (on a 10,000-node run that scan cost 1-2 ms of cache misses per save).
    private bool _touched;

    /// <summary>Told once per save cycle that this node has something to write; set by the collection it is in.</summary>
    internal Action<WorkflowNodeState>? OnTouched { get; set; }

    /// <summary>Whether this node has been touched since its last save.</summary>
    internal bool Touched => _touched;

    /// <summary>Something of this node (a column, an attempt row) now waits for the next save.</summary>
    internal void Touch()
    {
        if (_touched)
            return;
        _touched = true;
        OnTouched?.Invoke(this);
    }

    /// <summary>The repository saved it.</summary>
    internal void MarkSaved()
    {
        _columnsChanged = false;
        _touched = false;
    }

    private T Changed<T>(T value)
    {
        _columnsChanged = true;
        Touch();
        return value;
    }

    public bool InFlight => State is NodeStatus.Dispatched or NodeStatus.Running;

    /// <summary>Finished for good in this run: only a retry of the whole workflow starts it again.</summary>
    public bool Settled => State is NodeStatus.Succeeded or NodeStatus.Failed or NodeStatus.Cancelled or NodeStatus.Skipped;

    /// <summary>A new run's node: pending, with the retry budget of its definition.</summary>
    public static WorkflowNodeState Pending(Guid workflowId, string nodeId, int ordinal, string capability, int maxAttempts, string dependsOnJson,
        string? inputJson, long? timeoutMs, string? pool, string? targetExecutor, string onExecutorLost, string? routingKey = null) => new()
    {
        WorkflowId = workflowId,
        NodeId = nodeId,
        Ordinal = ordinal,
        Capability = capability,
        MaxAttempts = maxAttempts,
        DependsOnJson = dependsOnJson,
        InputJson = inputJson,
        TimeoutMs = timeoutMs,
        Pool = pool,
        TargetExecutor = targetExecutor,
        OnExecutorLost = onExecutorLost,
        RoutingKey = routingKey,
    };
}
