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
        var arrivals = new List<DateTime>();
        using var server = new LoopbackHttpServer(_ =>
        {
            lock (arrivals)
            {
                arrivals.Add(DateTime.UtcNow);
                return arrivals.Count < 3 ? (503, "not yet", "text/plain") : (200, """{"ok":true}""", "application/json");
            }
        });
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
        Assert.Equal(3, arrivals.Count);
        // Backoff 300 ms after attempt 1, 600 ms after attempt 2: the gaps can be longer, never shorter.
        Assert.True(arrivals[1] - arrivals[0] >= TimeSpan.FromMilliseconds(300), $"first gap {arrivals[1] - arrivals[0]}");
        Assert.True(arrivals[2] - arrivals[1] >= TimeSpan.FromMilliseconds(600), $"second gap {arrivals[2] - arrivals[1]}");
        Assert.Contains("attempt 2", run.Output.ToString(), StringComparison.Ordinal);

        // The timers lived in Quartz's own store, beside the workflow database.
        using var quartz = new SqliteConnection($"Data Source={Path.ChangeExtension(run.DatabasePath, ".quartz.db")};Mode=ReadOnly;Pooling=False");
        quartz.Open();
        using var tables = quartz.CreateCommand();
        tables.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND lower(name) = 'qrtz_triggers'";
        Assert.Equal(1L, (long)tables.ExecuteScalar()!);
    }
}
