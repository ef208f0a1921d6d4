namespace SagaWorkflow.Contracts.Definitions;

/// <summary>Checks a parsed definition and reports every problem at once.</summary>
public static class WorkflowDefinitionValidator
{
    /// <summary>TODO(helper): implement.</summary>
    public static IReadOnlyList<DefinitionError> Validate(WorkflowDefinition? definition) =>
        throw new NotImplementedException(definition?.Name);
}
