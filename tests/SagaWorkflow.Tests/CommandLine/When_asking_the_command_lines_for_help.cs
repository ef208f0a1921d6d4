using System.Text.RegularExpressions;
using SagaWorkflow.Cli;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Orchestrator.Cli;

namespace SagaWorkflow.Tests.CommandLine;

/// <summary>Help is generated from the command trees: every verb and switch is listed, with the one exit-code table.</summary>
public sealed class When_asking_the_command_lines_for_help
{
    private static readonly string[] SagaflowVerbs =
        ["submit", "status", "watch", "list", "cancel", "pause", "resume", "retry", "resolve", "define", "definitions", "schedules", "schedule", "executors", "drain"];

    [Fact]
    public async Task Sagaflow_help_lists_every_verb_and_every_exit_code()
    {
        var (exit, output, _) = await SagaflowAsync("--help");

        Assert.Equal(ExitCodes.Ok, exit);
        foreach (var verb in SagaflowVerbs)
            Assert.Matches($@"(?m)^\s+{verb}\b", output);
        AssertExitCodeTable(output);
    }

    [Fact]
    public async Task Sagaflow_schedule_help_lists_its_verbs()
    {
        var (exit, output, _) = await SagaflowAsync("schedule", "--help");

        Assert.Equal(ExitCodes.Ok, exit);
        foreach (var verb in new[] { "create", "list", "pause", "resume", "delete", "fires" })
            Assert.Matches($@"(?m)^\s+{verb}\b", output);
    }

    [Fact]
    public async Task The_orchestrator_help_lists_run_serve_and_migrate_and_no_verb_that_goes_around_the_api()
    {
        using var output = new StringWriter();

        var exit = await Verbs.InvokeAsync(OrchestratorCommandLine.Build(output, new Dictionary<string, string?>()), ["--help"], output, output, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, exit);
        var text = output.ToString();
        Assert.Matches(@"(?m)^\s+run <definition.json>", text);
        Assert.Matches(@"(?m)^\s+serve\b", text);
        Assert.Matches(@"(?m)^\s+migrate\b", text);
        foreach (var removed in new[] { "executor", "node", "schedule" })
            Assert.DoesNotMatch($@"(?m)^\s+{removed}\b", text);
        AssertExitCodeTable(text);
    }

    [Fact]
    public async Task The_executor_help_lists_every_switch()
    {
        using var output = new StringWriter();

        var exit = await Verbs.InvokeAsync(SagaWorkflow.Executors.ExecutorHost.Build(), ["--help"], output, output, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, exit);
        foreach (var option in new[] { "--capabilities", "--concurrency", "--executor-id", "--pools", "--heartbeat", "--drain-deadline", "--start-report-delay" })
            Assert.Matches($@"(?m)^\s+{option} <", output.ToString());
    }

    private static void AssertExitCodeTable(string help)
    {
        foreach (var code in ExitCodes.All)
            Assert.Matches($@"(?m)^\s+{code.Code}  {Regex.Escape(code.Meaning)}", help);
    }

    internal static async Task<(int Exit, string Output, string Errors)> SagaflowAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        // Nothing listens on port 9: a verb that got as far as a request would fail with "cannot reach", not a usage error.
        var exit = await SagaflowCommand.RunAsync(args, output, errors, name => name == "SAGAFLOW_API" ? "http://127.0.0.1:9" : null, CancellationToken.None);
        return (exit, output.ToString(), errors.ToString());
    }
}
