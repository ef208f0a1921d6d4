using SagaWorkflow.CommandLine;
using System.Text.Json;
using SagaWorkflow.Cli;

namespace SagaWorkflow.Tests.Api;

/// <summary>The <c>sagaflow</c> CLI end to end against a real API host: submit and watch to the end, exit codes, errors.</summary>
public sealed class When_using_the_sagaflow_cli(ApiHost api) : IClassFixture<ApiHost>
{
    private static string Example(string name) => Path.Combine(RepositoryPaths.Root, "examples", name);

    [Fact]
    public async Task Submit_with_watch_follows_every_node_to_the_end_and_exits_0()
    {
        var (exit, output, errors) = await SagaflowAsync("submit", Example("diamond.json"), "--input", "{\"customer\":42}", "--watch");

        Assert.True(exit == 0, $"exit {exit}: {errors}\n{output}");
        foreach (var node in new[] { "a", "b", "c", "d" })
            Assert.Matches($@"(?m)^\S+  {node}  succeeded \(attempt 1\) on ", output);
        Assert.Contains("Completed", output, StringComparison.Ordinal);
        Assert.Contains("4/4 nodes settled", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_workflow_exits_1_and_shows_the_failed_node_with_its_error()
    {
        var (exit, output, _) = await SagaflowAsync("submit", Example("failing.json"), "--watch");

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Matches(@"(?m)^\S+  call  failed \(attempt 1\) on \S+: GET http://127.0.0.1:9/unreachable", output);
        Assert.Matches(@"(?m)^after\s+skipped", output);
    }

    [Fact]
    public async Task An_invalid_definition_exits_2_listing_every_problem()
    {
        var (exit, _, errors) = await SagaflowAsync("submit", Example("invalid.json"));

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("400 Invalid workflow definition", errors, StringComparison.Ordinal);
        Assert.True(errors.Split('\n').Count(l => l.StartsWith("  - ", StringComparison.Ordinal)) >= 2, errors);
    }

    [Fact]
    public async Task Without_a_key_a_mutation_exits_2_and_says_how_to_pass_one()
    {
        var (exit, _, errors) = await SagaflowWithKeyAsync(null, "submit", Example("diamond.json"));

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("401", errors, StringComparison.Ordinal);
        Assert.Contains("SAGAFLOW_API_KEY", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watching_a_workflow_that_gets_cancelled_exits_3()
    {
        var id = await api.SubmitAsync(Definitions.Slow("cli-cancel"));
        var watch = SagaflowAsync("watch", id.ToString());
        await Integration.Eventually.WaitUntilAsync(async () => (await api.WorkflowAsync(id)) is { ValueKind: System.Text.Json.JsonValueKind.Object } view
            && view.GetProperty("nodes")[0].GetProperty("state").GetString() == "running", TimeSpan.FromSeconds(60), () => Task.FromResult("never ran"));

        var (cancelExit, cancelOutput, _) = await SagaflowAsync("cancel", id.ToString(), "--reason", "from the cli");
        var (exit, output, _) = await watch;

        Assert.Equal(0, cancelExit);
        Assert.Contains("cancel requested", cancelOutput, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Cancelled, exit);
        Assert.Contains("reason: cancelled: from the cli", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_list_and_executors_print_tables_and_an_unknown_id_exits_2()
    {
        var id = await api.SubmitAsync(Definitions.Noop("cli-list"));
        await api.WaitForStateAsync(id, "Completed");

        var status = await SagaflowAsync("status", id.ToString());
        var list = await SagaflowAsync("list", "--definition", "cli-list");
        var executors = await SagaflowAsync("executors");
        var unknown = await SagaflowAsync("status", Guid.NewGuid().ToString());

        Assert.Equal(0, status.Exit);
        Assert.Matches(@"(?m)^a\s+succeeded\s+1/1", status.Output);
        Assert.Contains(id.ToString(), list.Output, StringComparison.Ordinal);
        // In flight is the executor's last heartbeat: it may still count a node of an earlier test in this fixture.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(executors.Output, @"(?m)^\S+\s+Online\s+\d+\s"), executors.Output);
        Assert.Equal(ExitCodes.Refused, unknown.Exit);
        Assert.Contains("404", unknown.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_definition_defined_from_a_file_is_submitted_by_name_and_watched()
    {
        var name = "cli-registered-" + Guid.NewGuid().ToString("N")[..6];

        var define = await SagaflowAsync("define", name, Example("diamond.json"));
        var again = await SagaflowAsync("define", name, Example("diamond.json"));
        var run = await SagaflowAsync("submit", "--name", name, "--version", "1", "--watch");
        var list = await SagaflowAsync("definitions");

        Assert.Contains($"definition {name} version 1 stored", define.Output, StringComparison.Ordinal);
        Assert.Contains($"definition {name} version 2 stored", again.Output, StringComparison.Ordinal);
        Assert.True(run.Exit == 0, run.Errors + run.Output);
        Assert.Contains($"({name}) Completed", run.Output, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{name}\s+2\s+2\s", list.Output);
    }

    [Fact]
    public async Task Schedules_are_created_listed_paused_and_deleted_from_the_cli()
    {
        var id = "cli-" + Guid.NewGuid().ToString("N")[..6];
        var file = Path.Combine(Path.GetTempPath(), id + ".json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            id, cron = "0 0 2 * * ?", timeZone = "UTC", workflow = new { name = "nightly", nodes = new[] { new { id = "a", capability = "noop" } } },
        }));
        try
        {
            var create = await SagaflowAsync("schedule", "create", file);
            var list = await SagaflowAsync("schedules");
            var pause = await SagaflowAsync("schedule", "pause", id);
            var delete = await SagaflowAsync("schedule", "delete", id);
            var missing = await SagaflowAsync("schedule", "pause", id);

            Assert.Contains($"schedule {id} created", create.Output, StringComparison.Ordinal);
            Assert.Matches($@"(?m)^{id}\s+0 0 2 \* \* \?\s+UTC\s+Normal\s+\d{{4}}-\d\d-\d\d 02:00:00", list.Output);
            Assert.Contains("paused", pause.Output, StringComparison.Ordinal);
            Assert.Contains("deleted", delete.Output, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Refused, missing.Exit);
            Assert.Contains("404", missing.Errors, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private Task<(int Exit, string Output, string Errors)> SagaflowAsync(params string[] args) => SagaflowWithKeyAsync(ApiHost.AdminKey, args);

    private async Task<(int Exit, string Output, string Errors)> SagaflowWithKeyAsync(string? key, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await SagaflowCommand.RunAsync(["--api", api.Anonymous.BaseAddress!.ToString(), .. args], output, errors,
            name => name == "SAGAFLOW_API_KEY" ? key : null, CancellationToken.None, interactive: false, pollInterval: TimeSpan.FromMilliseconds(100));
        return (exit, output.ToString(), errors.ToString());
    }
}
