namespace SagaWorkflow.Contracts.Definitions;

/// <summary>Reads a definition from JSON text; a JSON or shape problem becomes a <see cref="DefinitionError"/>, never an exception.</summary>
public static class WorkflowDefinitionParser
{
    /// <summary>TODO(helper): implement.</summary>
    public static (WorkflowDefinition? Definition, IReadOnlyList<DefinitionError> Errors) Parse(string json) =>
        throw new NotImplementedException(json);

    /// <summary>TODO(helper): implement.</summary>
    public static string ToJson(WorkflowDefinition definition) => System.Text.Json.JsonSerializer.Serialize(definition);
}
