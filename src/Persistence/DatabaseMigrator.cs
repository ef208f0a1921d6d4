using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SagaWorkflow.Persistence;

/// <summary>Brings the database schema up to date with EF Core migrations (never EnsureCreated, so upgrades are migrations too).</summary>
public sealed class DatabaseMigrator(WorkflowDbContextFactory factory, IOptions<PersistenceOptions> options, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (factory.Provider == DatabaseProvider.Sqlite && SqliteWorkflowDbContext.FilePath(options.Value.ConnectionString) is { } file)
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);

        await using var db = factory.Create();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
            logger.LogInformation("Applying {Count} migration(s) to the {Provider} database: {Migrations}", pending.Count, factory.Provider, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
    }
}
