namespace SagaWorkflow.Contracts;

/// <summary>
/// Queue names shared by the orchestrator (sender) and executors (consumers), so both sides agree.
/// </summary>
public static class NodeQueues
{
    /// <summary>The saga's own queue: StartWorkflow, CancelWorkflow and node results land here.</summary>
    public const string WorkflowState = "workflow-state";

    /// <summary>Queue an executor with <paramref name="capability"/> consumes, e.g. <c>node.http</c>.</summary>
    public static string ForCapability(string capability) => "node." + capability;

    /// <summary>
    /// Address to send an <see cref="ExecuteNode"/> to. The <c>queue:</c> form makes the sender declare the durable
    /// queue (same arguments as the executors' declaration) and its binding, so a node dispatched before any executor
    /// of its capability ever started waits in the queue instead of being dropped as unroutable. This is why capability
    /// queues are classic durable queues: a quorum queue would clash with that declaration (406 inequivalent arg).
    /// </summary>
    public static Uri SendAddress(string capability) => new("queue:" + ForCapability(capability));

    /// <summary>Queue that accepts plain-JSON <see cref="StartWorkflow"/> bodies from non-.NET clients (no MassTransit envelope).</summary>
    public const string Submit = "workflow-submit";
}
