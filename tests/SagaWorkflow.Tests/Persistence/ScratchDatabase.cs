using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SagaWorkflow.Persistence;
using SagaWorkflow.Tests.Integration;
using Xunit.Sdk;

namespace SagaWorkflow.Tests.Persistence;

/// <summary>
/// A migrated, empty database of one provider for tests of our queries: a temporary SQLite file, or (when
/// scripts/test.sh started them) a fresh MySQL or PostgreSQL database of its own.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly TestDatabase? _server;

    private ScratchDatabase(WorkflowDbContextFactory factory, string connectionString, string? directory, TestDatabase? server)
    {
        Factory = factory;
        ConnectionString = connectionString;
        _directory = directory;
        _server = server;
    }

    public WorkflowDbContextFactory Factory { get; }

    /// <summary>For a host started on this database (its provider is <see cref="WorkflowDbContextFactory.Provider"/>).</summary>
    public string ConnectionString { get; }

    public static async Task<ScratchDatabase> CreateAsync(DatabaseProvider provider)
    {
        string? directory = null;
        TestDatabase? server = null;
        string connectionString;
        if (provider == DatabaseProvider.Sqlite)
        {
            directory = Directory.CreateTempSubdirectory("sagaworkflow-scratch-").FullName;
            connectionString = $"Data Source={Path.Combine(directory, "state.db")};Pooling=False";
        }
        else
        {
            server = TestDatabase.For(provider == DatabaseProvider.MySql ? Store.MySql : Store.Postgres, Guid.NewGuid().ToString("N")[..8]);
            await server.CreateAsync();
            connectionString = server.ConnectionString;
        }

        var options = Options.Create(new PersistenceOptions { Provider = provider, ConnectionString = connectionString });
        var factory = new WorkflowDbContextFactory(options);
        await new DatabaseMigrator(factory, options, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return new ScratchDatabase(factory, connectionString, directory, server);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>
/// Runs a theory on SQLite always, and on MySQL and PostgreSQL when scripts/test.sh started them (plain
/// <c>dotnet test</c> runs the SQLite rows only).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProvidersAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        yield return [DatabaseProvider.Sqlite];
        if (!IntegrationEnvironment.Available)
            yield break;
        yield return [DatabaseProvider.MySql];
        yield return [DatabaseProvider.Postgres];
    }
}
