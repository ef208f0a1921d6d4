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
    /// Address to send an <see cref="ExecuteNode"/> to. The exchange form, not <c>queue:</c>: a <c>queue:</c> send
    /// would re-declare the queue with the sender's arguments (fatal for quorum queues on RabbitMQ).
    /// </summary>
    public static Uri SendAddress(string capability) => new("exchange:" + ForCapability(capability));
}
