namespace SagaWorkflow.Contracts;

/// <summary>
/// Queue names shared by the orchestrator (sender) and executors (consumers), so both sides agree.
/// </summary>
public static class NodeQueues
{
    /// <summary>The saga's own queue: StartWorkflow, CancelWorkflow and node results land here.</summary>
    public const string WorkflowState = "workflow-state";

    /// <summary>
    /// Where to send to the saga's queue. The exchange, not <c>queue:</c>: a <c>queue:</c> address makes the sender
    /// declare the queue without arguments, which the broker refuses for a quorum queue (406) and which closes the
    /// channel; the queue and its binding are the receive endpoint's to declare (SagaWorkflow.Hosting.QueueTopology).
    /// </summary>
    public static Uri WorkflowStateAddress { get; } = ExchangeOf(WorkflowState);

    /// <summary>The send address of an orchestrator's own durable queue: its exchange (see <see cref="WorkflowStateAddress"/>).</summary>
    public static Uri ExchangeOf(string queue) => new("exchange:" + queue);

    /// <summary>Queue an executor with <paramref name="capability"/> consumes, e.g. <c>node.http</c>.</summary>
    public static string ForCapability(string capability) => "node." + capability;

    /// <summary>
    /// In-memory address of a capability's queue (local mode and tests): the <c>queue:</c> form declares the queue, so a
    /// node sent before its executor's endpoint is up waits in it. On RabbitMQ the orchestrator declares node queues
    /// itself, with their arguments, and sends to their exchanges (SagaWorkflow.Hosting.QueueTopology).
    /// </summary>
    public static Uri SendAddress(string capability) => new("queue:" + ForCapability(capability));

    /// <summary>Queue of the executors labelled with <paramref name="pool"/> that have <paramref name="capability"/>: <c>node.http.eu</c>.</summary>
    public static string ForPool(string capability, string pool) => $"node.{capability}.{pool}";

    /// <summary>One executor's own queue, for nodes targeted at it by name: <c>executor.worker-7</c>.</summary>
    public static string ForExecutor(string executorId) => "executor." + executorId;

    /// <summary>Whether <paramref name="queue"/> holds node commands (a capability's, a pool's or one executor's queue).</summary>
    public static bool IsNodeQueue(string queue) =>
        queue.StartsWith("node.", StringComparison.Ordinal) || queue.StartsWith("executor.", StringComparison.Ordinal);

    /// <summary>Where a node goes: its executor's own queue, else its pool's queue, else its capability's queue.</summary>
    public static string QueueFor(string capability, string? pool, string? executor) =>
        executor is not null ? ForExecutor(executor)
        : pool is not null ? ForPool(capability, pool)
        : ForCapability(capability);

    /// <summary>Queue that accepts plain-JSON <see cref="StartWorkflow"/> bodies from non-.NET clients (no MassTransit envelope).</summary>
    public const string Submit = "workflow-submit";
}
