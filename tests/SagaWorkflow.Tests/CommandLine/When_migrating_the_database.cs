using Microsoft.Data.Sqlite;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Orchestrator.Cli;

namespace SagaWorkflow.Tests.CommandLine;

/// <summary><c>orchestrator migrate</c>: the schema without the service, for a deployment step that wants it first.</summary>
public sealed class When_migrating_the_database : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sagaworkflow-migrate-").FullName;

    private string DatabasePath => Path.Combine(_directory, "state.db");

    [Fact]
    public async Task Migrate_creates_every_table_and_exits_0_and_a_second_run_finds_nothing_to_do()
    {
        var first = await MigrateAsync();
        var applied = Count("SELECT COUNT(*) FROM __EFMigrationsHistory");
        var second = await MigrateAsync();

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (first.Exit, second.Exit));
        Assert.Contains("up to date", first.Output, StringComparison.Ordinal);
        foreach (var table in new[] { "workflow_instances", "workflow_nodes", "node_attempts", "executors" })
            Assert.Equal(1, Count($"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
        Assert.True(applied > 0);
        Assert.Equal(applied, Count("SELECT COUNT(*) FROM __EFMigrationsHistory"));
    }

    private async Task<(int Exit, string Output)> MigrateAsync()
    {
        using var output = new StringWriter();
        var settings = new Dictionary<string, string?> { ["Database:ConnectionString"] = $"Data Source={DatabasePath};Pooling=False" };
        var exit = await Verbs.InvokeAsync(OrchestratorCommandLine.Build(output, settings), ["migrate"], output, output, CancellationToken.None);
        return (exit, output.ToString());
    }

    private long Count(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
