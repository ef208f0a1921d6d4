using SagaWorkflow.CommandLine;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SagaWorkflow.Tests.Executors;

namespace SagaWorkflow.Tests.LocalMode;

public sealed class When_a_node_is_retried_in_local_mode
{
    [Fact]
    public async Task Each_retry_waits_its_backoff_through_the_persistent_scheduler_then_succeeds()
    {
        var calls = 0;
        using var server = new LoopbackHttpServer(_ =>
            Interlocked.Increment(ref calls) < 3 ? (503, "not yet", "text/plain") : (200, """{"ok":true}""", "application/json"));
        var definition = new
        {
            name = "retrying",
            nodes = new[]
            {
                new
                {
                    id = "call", capability = "http", input = new { url = server.BaseUrl },
                    retry = new { maxAttempts = 3, initialDelay = "00:00:00.300", backoffMultiplier = 2.0, maxDelay = "00:00:10" },
                },
            },
        };
        using var run = new LocalRun();
        var file = Path.Combine(Path.GetTempPath(), $"retrying-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(definition));

        var exitCode = await run.RunAsync(file);
        File.Delete(file);

        Assert.True(exitCode == ExitCodes.Ok, run.Output.ToString());
        var node = Assert.Single(run.Query("SELECT state, attempt, next_attempt_at FROM workflow_nodes"));
        Assert.Equal(["succeeded", 3L, null], node);
        Assert.Equal(3, calls);
        // Each failed attempt is on record, and the next one went out only through its timer (the backoff's length is
        // RetryBackoff's unit tests' business; a wall-clock gap is not asserted here).
        Assert.Equal(new object?[][] { [1L, "failed"], [2L, "failed"], [3L, "succeeded"] }, run.Query("SELECT attempt, outcome FROM node_attempts ORDER BY attempt"));
        Assert.Contains("attempt 2", run.Output.ToString(), StringComparison.Ordinal);

        // The timers lived in Quartz's own store, beside the workflow database.
        using var quartz = new SqliteConnection($"Data Source={Path.ChangeExtension(run.DatabasePath, ".quartz.db")};Mode=ReadOnly;Pooling=False");
        quartz.Open();
        using var tables = quartz.CreateCommand();
        tables.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND lower(name) = 'qrtz_triggers'";
        Assert.Equal(1L, (long)tables.ExecuteScalar()!);
    }
}
