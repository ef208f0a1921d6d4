using SagaWorkflow.ApiContracts;
using SagaWorkflow.Cli;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Orchestrator.Cli;

namespace SagaWorkflow.Tests.CommandLine;

/// <summary>
/// Regression: "cancelled" exited 130 from <c>run</c> and 3 from <c>sagaflow</c>, and usage errors could exit 1 (the code of
/// a failed workflow). One table (<see cref="ExitCodes"/>) now serves every verb of every binary.
/// </summary>
public sealed class When_a_command_line_ends
{
    [Fact]
    public void Every_code_in_the_table_is_distinct_and_cancelled_is_not_interrupted()
    {
        Assert.Equal(ExitCodes.All.Count, ExitCodes.All.Select(c => c.Code).Distinct().Count());
        Assert.Equal(3, ExitCodes.Cancelled);
        Assert.NotEqual(ExitCodes.Interrupted, ExitCodes.Cancelled);
        Assert.Equal(
            [ExitCodes.Ok, ExitCodes.Failed, ExitCodes.Refused, ExitCodes.Cancelled, ExitCodes.DatabaseUnavailable, ExitCodes.BadConfiguration, ExitCodes.Interrupted],
            ExitCodes.All.Select(c => c.Code));
    }

    [Fact]
    public void The_operations_guide_lists_every_exit_code_as_the_table_has_it()
    {
        var guide = File.ReadAllText(RepositoryPaths.Doc("operations.md"));

        foreach (var code in ExitCodes.All)
            Assert.Contains($"| {code.Code} | {code.Meaning} |", guide, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("completed", "Completed", ExitCodes.Ok)]
    [InlineData("failed", "Failed", ExitCodes.Failed)]
    [InlineData("cancelled", "Cancelled", ExitCodes.Cancelled)]
    public void Run_and_sagaflow_give_a_workflow_outcome_the_same_code(string runState, string apiState, int expected)
    {
        var fromRun = RunReport.Print(TextWriter.Null, new RunOutcome(runState, Outputs: new Dictionary<string, System.Text.Json.JsonElement>()));
        var fromSagaflow = WorkflowWatcher.ExitCodeOf(new WorkflowView(Guid.NewGuid(), "d", 1, apiState, "api", null, DateTime.UtcNow, DateTime.UtcNow, null, null,
            null, null, null, null, []));

        Assert.Equal(expected, fromRun);
        Assert.Equal(expected, fromSagaflow);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("status", "not-a-guid")]
    [InlineData("submit")]
    [InlineData("submit", "--name", "orders", "--version", "0")]
    [InlineData("resolve", "6c1e0000-0000-0000-0000-000000000000", "charge", "maybe")]
    [InlineData("submit", "--name", "orders", "--input", "{not json")]
    public async Task A_sagaflow_usage_error_exits_2_before_any_request(params string[] args)
    {
        var (exit, _, errors) = await When_asking_the_command_lines_for_help.SagaflowAsync(args);

        Assert.True(exit == ExitCodes.Refused, $"exit {exit}: {errors}");
        Assert.DoesNotContain("cannot reach", errors, StringComparison.Ordinal);
        Assert.NotEmpty(errors.Trim());
    }

    [Fact]
    public async Task Sagaflow_without_a_verb_exits_2_with_the_help_on_stderr()
    {
        var (exit, output, errors) = await When_asking_the_command_lines_for_help.SagaflowAsync();

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Empty(output);
        Assert.Contains("submit", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("executor", "list")]
    [InlineData("schedule", "list")]
    [InlineData("run")]
    [InlineData("run", "examples/diamond.json", "--input", "{not json")]
    public async Task An_orchestrator_usage_error_or_a_removed_verb_exits_2(params string[] args)
    {
        using var output = new StringWriter();

        var exit = await Verbs.InvokeAsync(OrchestratorCommandLine.Build(output, new Dictionary<string, string?>()), args, output, output, CancellationToken.None);

        Assert.True(exit == ExitCodes.Refused, output.ToString());
    }
}
