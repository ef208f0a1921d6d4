using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SagaWorkflow.Persistence;

/// <summary>
/// Brings the database schema up to date with EF Core migrations (never EnsureCreated, so upgrades are migrations too).
/// It is a process's first use of the database, so it also waits for a database that is not reachable yet (a server
/// still starting, a container whose name does not resolve yet), up to <see cref="PersistenceOptions.StartupTimeout"/>,
/// and turns what stays wrong into one <see cref="DatabaseUnavailableException"/> naming the key and the cause.
/// </summary>
public sealed class DatabaseMigrator(WorkflowDbContextFactory factory, IOptions<PersistenceOptions> options, ILogger<DatabaseMigrator> logger)
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(5);

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (factory.Provider == DatabaseProvider.Sqlite && SqliteWorkflowDbContext.FilePath(settings.ConnectionString) is { } file)
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);

        var started = Stopwatch.GetTimestamp();
        // The wait counts from the first failure, not from the start: a slow first try (a cold process building its
        // model on a busy machine) must not use up the time given to a database that is still coming up.
        long? firstFailure = null;
        var pause = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MigrateOnceAsync(cancellationToken);
                if (attempt > 1)
                    logger.LogInformation("The {Where} answered after {Seconds:0.0} s", DatabaseFailures.Where(settings), Stopwatch.GetElapsedTime(started).TotalSeconds);
                return;
            }
            catch (Exception exception) when (DatabaseFailures.IsDatabaseFailure(exception) && !cancellationToken.IsCancellationRequested)
            {
                firstFailure ??= Stopwatch.GetTimestamp();
                var waited = Stopwatch.GetElapsedTime(firstFailure.Value);
                var reason = DatabaseFailures.Reason(exception, settings.ConnectionString);
                var permanent = DatabaseFailures.IsPermanent(exception);
                if (permanent || waited >= settings.StartupTimeout)
                {
                    var gaveUp = permanent ? "" : $" (waited {waited.TotalSeconds:0} s, {PersistenceOptions.Section}:StartupTimeout)";
                    throw new DatabaseUnavailableException(
                        $"{PersistenceOptions.Section}:ConnectionString: cannot use the {DatabaseFailures.Where(settings)}: {reason}{gaveUp}", exception);
                }
                logger.LogWarning("The {Where} is not reachable yet (attempt {Attempt}: {Reason}); trying again for up to {Timeout} ({Key})",
                    DatabaseFailures.Where(settings), attempt, reason, settings.StartupTimeout, $"{PersistenceOptions.Section}:StartupTimeout");
                await Task.Delay(pause, cancellationToken);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPause.Ticks));
            }
        }
    }

    private async Task MigrateOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
            logger.LogInformation("Applying {Count} migration(s) to the {Provider} database: {Migrations}", pending.Count, factory.Provider, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
    }
}
