namespace SagaWorkflow.Contracts.Definitions;

/// <summary>
/// One problem with a definition. <see cref="NodeId"/> names the node it concerns (null for workflow-level problems);
/// <see cref="Code"/> is stable for programs, <see cref="Message"/> is for people.
/// </summary>
public sealed record DefinitionError(string Code, string? NodeId, string Message)
{
    public override string ToString() => NodeId is null ? $"{Code}: {Message}" : $"{Code} (node '{NodeId}'): {Message}";
}
