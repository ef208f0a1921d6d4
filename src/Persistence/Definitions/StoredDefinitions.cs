using Microsoft.EntityFrameworkCore;

namespace SagaWorkflow.Persistence.Definitions;

/// <summary>Reads and extends the definitions registry: what the API's PUT, submit-by-name and the saga's start-by-name use.</summary>
public static class StoredDefinitions
{
    // SQLite has one writer at a time, but two PUTs can still read the same latest version before either inserts;
    // the loser's unique-key violation sends it round again. Each round lets at least one writer win.
    private const int SqliteInsertAttempts = 20;

    /// <summary>The JSON of <paramref name="name"/> at <paramref name="version"/>, or of its latest version when null; null when absent.</summary>
    public static Task<string?> FindJsonAsync(WorkflowDbContext db, string name, int? version, CancellationToken cancellationToken) =>
        db.Definitions.AsNoTracking().Where(d => d.Name == name && (version == null || d.Version == version))
            .OrderByDescending(d => d.Version).Select(d => d.DefinitionJson).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// The one resolver of a named definition, for the API's submit and the saga's start alike: the given version or the
    /// latest, parsed; or why there is none (<c>Missing</c>).
    /// </summary>
    public static async Task<(SagaWorkflow.Contracts.Definitions.WorkflowDefinition? Definition, string? Missing)> ResolveAsync(WorkflowDbContext db,
        string name, int? version, CancellationToken cancellationToken)
    {
        var json = await FindJsonAsync(db, name, version, cancellationToken).ConfigureAwait(false);
        return json is null ? (null, Missing(name, version)) : (SagaWorkflow.Contracts.Definitions.WorkflowDefinitionParser.Parse(json).Definition, null);
    }

    /// <summary>Why a lookup found nothing, worded for the caller.</summary>
    public static string Missing(string name, int? version) =>
        version is null ? $"no definition named '{name}' is registered" : $"definition '{name}' has no version {version}";

    /// <summary>
    /// Stores the next version of <paramref name="name"/>: the registry numbers versions 1, 2, ... and
    /// <paramref name="jsonForVersion"/> renders the definition with its number. Concurrent calls, from any number of
    /// orchestrators, each get their own number.
    /// </summary>
    public static async Task<StoredDefinition> AddNextVersionAsync(WorkflowDbContext db, string name, Func<int, string> jsonForVersion,
        DateTime createdAt, string? createdBy, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            // An advisory lock per name (PostgreSQL, MySQL) queues concurrent PUTs of one name behind each other across
            // processes, so none of them can lose a race for the version number. Declared after the transaction, so it
            // is released after the commit.
            await using var nameLock = await db.LockNameAsync("workflow_definitions/" + name, cancellationToken).ConfigureAwait(false);
            var version = (await db.Definitions.Where(d => d.Name == name).MaxAsync(d => (int?)d.Version, cancellationToken).ConfigureAwait(false) ?? 0) + 1;
            var stored = new StoredDefinition
            {
                Name = name,
                Version = version,
                DefinitionJson = jsonForVersion(version),
                CreatedAt = createdAt,
                CreatedBy = createdBy,
            };
            db.Definitions.Add(stored);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return stored;
            }
            catch (DbUpdateException) when (db is SqliteWorkflowDbContext && attempt < SqliteInsertAttempts)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                db.ChangeTracker.Clear();
            }
        }
    }
}
