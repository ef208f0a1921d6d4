using System.Text.Json.Serialization;

namespace SagaWorkflow.Contracts.Definitions;

/// <summary>
/// A workflow: a DAG of nodes. Parsed from JSON by <see cref="WorkflowDefinitionParser"/> and checked by
/// <see cref="WorkflowDefinitionValidator"/> before anything runs. Durations are TimeSpan strings (<c>"00:00:30"</c>).
/// </summary>
public sealed record WorkflowDefinition
{
    public string Name { get; init; } = "";
    public int Version { get; init; } = 1;
    public IReadOnlyList<NodeDefinition> Nodes { get; init; } = [];

    /// <summary>Priority (0-9) of every node that does not set its own; 0 when null.</summary>
    public int? Priority { get; init; }

    /// <summary>Routing key (sticky routing) of every node that sets neither its own nor a target executor; none when null.</summary>
    public string? RoutingKey { get; init; }

    /// <summary>Deadline for the whole run; none when null. Honoured from the scheduling work on.</summary>
    [JsonConverter(typeof(FlexibleTimeSpanConverter))]
    public TimeSpan? Timeout { get; init; }
}
