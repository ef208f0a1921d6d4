using System.Text.Json;

namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: run one attempt of one node. Sent by <c>WorkflowStateMachine</c> to the capability's queue
/// (<c>node.&lt;capability&gt;</c>, see <see cref="NodeQueues"/>); consumed by one of the executors competing on it,
/// which answers with <see cref="NodeStarted"/> then <see cref="NodeCompleted"/> or <see cref="NodeFailed"/>.
/// <see cref="ExecutionId"/> (<c>WorkflowId/NodeId/Attempt</c>) is the idempotency and fencing key.
/// </summary>
public sealed record ExecuteNode
{
    public Guid WorkflowId { get; init; }
    public string NodeId { get; init; } = "";
    public int Attempt { get; init; }
    public string Capability { get; init; } = "";
    public JsonElement? Input { get; init; }

    /// <summary>Outputs of the nodes this one depends on, keyed by node id.</summary>
    public Dictionary<string, JsonElement> DependencyOutputs { get; init; } = [];

    public JsonElement? WorkflowInput { get; init; }
    public string ExecutionId { get; init; } = "";

    /// <summary>
    /// The node's policy when its executor is lost (<c>redispatch</c>, <c>fail</c>, <c>park</c>). Executors need it for
    /// one case: a redelivered command (its previous holder's connection dropped mid-run) of a non-redispatch node is not
    /// run again but reported back with <see cref="NodeFailed.ExecutorLost"/>, so the saga parks or fails it.
    /// </summary>
    public string OnExecutorLost { get; init; } = "redispatch";

    /// <summary>
    /// Set when sticky routing sent the node to one executor's own queue (its <c>routingKey</c> chose it): the process
    /// instance that owned the key at dispatch. Any other instance of that executor id (a restart after kill -9 finding
    /// the old process's copies in the durable queue), or the owner once it drains, hands the command back unrun
    /// (<see cref="NodeFailed.HandedOver"/>), so the key's current owner runs it; the saga fences a copy it already moved.
    /// </summary>
    public Guid? RoutedInstance { get; init; }

    /// <summary>The execution id for an attempt: stable across redeliveries, different for every attempt.</summary>
    public static string ExecutionIdFor(Guid workflowId, string nodeId, int attempt) => $"{workflowId:D}/{nodeId}/{attempt}";
}
