namespace SagaWorkflow.Persistence.Workflows;

/// <summary>One node of one workflow run: a <c>workflow_nodes</c> row, keyed by (workflow_id, node_id).</summary>
public class WorkflowNodeState
{
    public Guid WorkflowId { get; set; }
    public string NodeId { get; set; } = "";

    /// <summary>Position in the definition, so nodes read back in the order they were written.</summary>
    public int Ordinal { get; set; }

    public string Capability { get; set; } = "";
    public NodeStatus State { get; set; } = NodeStatus.Pending;

    /// <summary>Current attempt (0 before the first dispatch). Results for any other attempt are stale.</summary>
    public int Attempt { get; set; }

    public int MaxAttempts { get; set; } = 1;

    /// <summary>Ids of the nodes this one waits for (JSON array text, e.g. <c>["a","b"]</c>).</summary>
    public string DependsOnJson { get; set; } = "[]";

    public string? InputJson { get; set; }
    public string? OutputJson { get; set; }
    public string? Error { get; set; }
    public string? ExecutorId { get; set; }

    public DateTime? DispatchedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public DateTime? LastHeartbeatAt { get; set; }

    /// <summary>While <c>retrying</c>: when the next attempt is due (its scheduled RetryNode fires then).</summary>
    public DateTime? NextAttemptAt { get; set; }

    /// <summary>Execution deadline of one attempt in milliseconds (from the definition); none when null.</summary>
    public long? TimeoutMs { get; set; }

    /// <summary>Scheduler token of the armed deadline of the running attempt, so finishing can cancel it.</summary>
    public Guid? TimeoutTokenId { get; set; }

    /// <summary>What to do when the executor running it is lost: <c>redispatch</c> (default), <c>fail</c> or <c>park</c>.</summary>
    public string OnExecutorLost { get; set; } = "redispatch";

    /// <summary>Attempts superseded because their executor was lost or handed them back; they do not use up retries.</summary>
    public int Failovers { get; set; }

    /// <summary>Set while no online executor can take the node (why it waits); cleared when one can.</summary>
    public string? WaitingReason { get; set; }

    /// <summary>Executor pool (label) the node is targeted at; its queue is <c>node.&lt;capability&gt;.&lt;pool&gt;</c>.</summary>
    public string? Pool { get; set; }

    /// <summary>One executor the node is targeted at; its queue is that executor's own.</summary>
    public string? TargetExecutor { get; set; }
}
