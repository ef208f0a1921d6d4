using Microsoft.EntityFrameworkCore;

namespace SagaWorkflow.Persistence.Definitions;

/// <summary>Reads the definitions registry: what the API's submit-by-name and the saga's start-by-name both resolve.</summary>
public static class StoredDefinitions
{
    /// <summary>The JSON of <paramref name="name"/> at <paramref name="version"/>, or of its latest version when null; null when absent.</summary>
    public static Task<string?> FindJsonAsync(WorkflowDbContext db, string name, int? version, CancellationToken cancellationToken) =>
        db.Definitions.AsNoTracking().Where(d => d.Name == name && (version == null || d.Version == version))
            .OrderByDescending(d => d.Version).Select(d => d.DefinitionJson).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Why a lookup found nothing, worded for the caller.</summary>
    public static string Missing(string name, int? version) =>
        version is null ? $"no definition named '{name}' is registered" : $"definition '{name}' has no version {version}";
}
