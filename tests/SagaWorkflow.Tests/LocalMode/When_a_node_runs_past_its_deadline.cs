using SagaWorkflow.CommandLine;
using System.Text.Json;

namespace SagaWorkflow.Tests.LocalMode;

public sealed class When_a_node_runs_past_its_deadline
{
    private static async Task<(LocalRun Run, int ExitCode)> RunAsync(object definition)
    {
        var run = new LocalRun();
        var file = Path.Combine(Path.GetTempPath(), $"deadline-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(definition));
        var exitCode = await run.RunAsync(file);
        File.Delete(file);
        return (run, exitCode);
    }

    [Fact]
    public async Task The_attempt_times_out_the_executor_is_told_to_stop_and_the_workflow_fails()
    {
        var (run, exitCode) = await RunAsync(new
        {
            name = "hung",
            nodes = new object[]
            {
                new { id = "hang", capability = "delay", input = new { ms = 600_000 }, timeout = "00:00:00.500" },
                new { id = "after", capability = "noop", dependsOn = new[] { "hang" } },
            },
        });
        using var _ = run;

        Assert.True(exitCode == ExitCodes.Failed, run.Output.ToString());
        var workflow = Assert.Single(run.Query("SELECT failed_node_id, failure_reason FROM workflow_instances"));
        Assert.Equal("hang", workflow[0]);
        Assert.Contains("timed out after", (string)workflow[1]!, StringComparison.Ordinal);
        // The executor's own late report ("cancelled while running") is stale and must not overwrite the timeout.
        var hung = Assert.Single(run.Query("SELECT state, timeout_token_id, error FROM workflow_nodes WHERE node_id = 'hang'"));
        Assert.Equal(["failed", null], hung[..2]);
        Assert.StartsWith("timed out after", (string)hung[2]!, StringComparison.Ordinal);
        Assert.Equal("skipped", Assert.Single(run.Query("SELECT state FROM workflow_nodes WHERE node_id = 'after'"))[0]);
    }

    [Fact]
    public async Task A_node_finishing_within_its_deadline_disarms_it()
    {
        var (run, exitCode) = await RunAsync(new
        {
            name = "quick",
            nodes = new object[] { new { id = "quick", capability = "delay", input = new { ms = 10 }, timeout = "00:00:30" } },
        });
        using var _ = run;

        Assert.True(exitCode == ExitCodes.Ok, run.Output.ToString());
        Assert.Equal(["succeeded", 30_000L, null], Assert.Single(run.Query("SELECT state, timeout_ms, timeout_token_id FROM workflow_nodes")));
    }

    [Fact]
    public async Task A_workflow_past_its_deadline_fails_and_its_running_node_is_cancelled()
    {
        var (run, exitCode) = await RunAsync(new
        {
            name = "slow-workflow",
            timeout = "00:00:00.500",
            nodes = new object[]
            {
                new { id = "long", capability = "delay", input = new { ms = 600_000 } },
                new { id = "later", capability = "noop", dependsOn = new[] { "long" } },
            },
        });
        using var _ = run;

        Assert.True(exitCode == ExitCodes.Failed, run.Output.ToString());
        var workflow = Assert.Single(run.Query("SELECT current_state, failure_reason, deadline_token_id FROM workflow_instances"));
        Assert.Equal("Failed", workflow[0]);
        Assert.Contains("workflow timed out", (string)workflow[1]!, StringComparison.Ordinal);
        Assert.Equal(["long:cancelled", "later:skipped"], run.Query("SELECT node_id || ':' || state FROM workflow_nodes ORDER BY ordinal").Select(r => (string)r[0]!));
    }
}
