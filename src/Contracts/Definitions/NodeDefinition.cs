using System.Text.Json;
using System.Text.Json.Serialization;

namespace SagaWorkflow.Contracts.Definitions;

/// <summary>One node of a <see cref="WorkflowDefinition"/>: what to run (capability + input) and after what (dependsOn).</summary>
public sealed record NodeDefinition
{
    public string Id { get; init; } = "";
    public string Capability { get; init; } = "";

    /// <summary>Any JSON; handed to the executor as is.</summary>
    public JsonElement? Input { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Retries after a failed attempt; one attempt only when null.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>Execution deadline of one attempt; none when null. Honoured from the scheduling work on.</summary>
    [JsonConverter(typeof(FlexibleTimeSpanConverter))]
    public TimeSpan? Timeout { get; init; }

    /// <summary>Run only on executors labelled with this pool (they consume <c>node.&lt;capability&gt;.&lt;pool&gt;</c>).</summary>
    public string? Pool { get; init; }

    /// <summary>Run only on the executor with this id (its own queue); it waits while that executor is offline.</summary>
    public string? Executor { get; init; }

    /// <summary>
    /// 0 (default) to 9: among the nodes waiting in the same queue, a higher one is delivered first (RabbitMQ priority
    /// queues). Overrides the workflow's <see cref="WorkflowDefinition.Priority"/>.
    /// </summary>
    public int? Priority { get; init; }

    /// <summary>
    /// Sticky routing: nodes with the same key run on the same executor while it is online, and move together when it is
    /// lost or drains. A literal (<c>"tenant-7"</c>) or a path into the workflow input (<c>"$.customerId"</c>), resolved
    /// when the run starts. Overrides the workflow's <see cref="WorkflowDefinition.RoutingKey"/>.
    /// </summary>
    public string? RoutingKey { get; init; }

    /// <summary>What to do when the executor running this node is lost: <c>redispatch</c> (default), <c>fail</c> or <c>park</c>.</summary>
    public string? OnExecutorLost { get; init; }
}
