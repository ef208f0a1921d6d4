namespace SagaWorkflow.Persistence.Definitions;

/// <summary>
/// One version of a registered workflow definition: a <c>workflow_definitions</c> row, keyed by (name, version).
/// Versions are assigned by the registry (1, 2, ...) and never change once stored, so a run started from
/// "orders v3" can always be traced to exactly what it ran.
/// </summary>
public class StoredDefinition
{
    public string Name { get; set; } = "";
    public int Version { get; set; }

    /// <summary>The validated definition as JSON, its <c>version</c> set to <see cref="Version"/>.</summary>
    public string DefinitionJson { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>The API key name that stored it (never the key itself).</summary>
    public string? CreatedBy { get; set; }
}
