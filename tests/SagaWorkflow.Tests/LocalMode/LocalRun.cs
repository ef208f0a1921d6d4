using Microsoft.Data.Sqlite;
using SagaWorkflow.Orchestrator.Cli;

namespace SagaWorkflow.Tests.LocalMode;

/// <summary>Runs the real <c>run</c> verb in-process against a SQLite file of its own, and queries that file with plain SQL.</summary>
public sealed class LocalRun : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sagaworkflow-local-").FullName;

    public string DatabasePath => Path.Combine(_directory, "data", "sagaworkflow.db");

    public StringWriter Output { get; } = new();

    public Task<int> RunAsync(params string[] args) =>
        RunCommand.ExecuteAsync(args, Output, new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = $"Data Source={DatabasePath}",
            // http nodes of these tests call loopback test servers (or a closed loopback port), refused unless allowed.
            ["Executor:Http:Allow:0"] = "127.0.0.0/8",
        }, CancellationToken.None);

    public List<object?[]> Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }

        return rows;
    }

    public void Dispose()
    {
        Output.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
