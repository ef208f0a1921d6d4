using SagaWorkflow.CommandLine;

namespace SagaWorkflow.Tests.LocalMode;

public sealed class When_running_an_example_in_local_mode
{
    [Fact]
    public async Task The_diamond_completes_and_sql_shows_every_node_succeeded_with_its_output()
    {
        using var run = new LocalRun();

        var exitCode = await run.RunAsync(RepositoryPaths.Example("diamond.json"));

        Assert.True(exitCode == ExitCodes.Ok, run.Output.ToString());
        Assert.Equal("Completed", Assert.Single(run.Query("SELECT current_state FROM workflow_instances"))[0]);
        var nodes = run.Query("SELECT node_id, state, attempt, executor_id, output_json FROM workflow_nodes ORDER BY ordinal");
        Assert.Equal(["a", "b", "c", "d"], nodes.Select(n => (string)n[0]!));
        Assert.All(nodes, n => Assert.Equal("succeeded", n[1]));
        Assert.All(nodes, n => Assert.Equal(1L, n[2]));
        Assert.All(nodes, n => Assert.False(string.IsNullOrEmpty((string?)n[3])));
        // transform merges dependency outputs into its own, so the join's output shows the data flow.
        var joinOutput = (string)nodes[3][4]!;
        Assert.Contains("\"b\"", joinOutput, StringComparison.Ordinal);
        Assert.Contains("\"c\"", joinOutput, StringComparison.Ordinal);
        Assert.Contains("joined", joinOutput, StringComparison.Ordinal);
        var printed = run.Output.ToString();
        Assert.Contains("workflow completed", printed, StringComparison.Ordinal);
        foreach (var node in new[] { "a", "b", "c", "d" })
            Assert.Matches($@"\s{node}\s+succeeded", printed);
    }

    [Fact]
    public async Task The_failing_example_exits_with_failure_and_sql_names_the_failed_node()
    {
        using var run = new LocalRun();

        var exitCode = await run.RunAsync(RepositoryPaths.Example("failing.json"));

        Assert.True(exitCode == ExitCodes.Failed, run.Output.ToString());
        var instance = Assert.Single(run.Query("SELECT current_state, failed_node_id, failure_reason FROM workflow_instances"));
        Assert.Equal("Failed", instance[0]);
        Assert.False(string.IsNullOrEmpty((string?)instance[1]));
        var skipped = run.Query("SELECT node_id FROM workflow_nodes WHERE state = 'skipped'");
        Assert.NotEmpty(skipped);
    }

    [Fact]
    public async Task The_invalid_example_is_rejected_with_every_error_and_stores_nothing()
    {
        using var run = new LocalRun();

        var exitCode = await run.RunAsync(RepositoryPaths.Example("invalid.json"));

        Assert.True(exitCode == ExitCodes.Refused, run.Output.ToString());
        var errorLines = run.Output.ToString().Split('\n').Count(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal));
        Assert.True(errorLines >= 4, run.Output.ToString());
        Assert.Empty(run.Query("SELECT correlation_id FROM workflow_instances"));
        Assert.Empty(run.Query("SELECT node_id FROM workflow_nodes"));
    }

    [Fact]
    public async Task A_missing_file_is_reported_by_path_without_starting_anything()
    {
        using var run = new LocalRun();

        var exitCode = await run.RunAsync("no-such-file.json");

        Assert.Equal(ExitCodes.Refused, exitCode);
        Assert.Contains("definition file not found", run.Output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(run.DatabasePath));
    }
}
