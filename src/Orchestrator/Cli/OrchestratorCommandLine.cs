using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>
/// Verbs of the orchestrator executable: <c>run</c> a definition file to completion in local mode, <c>serve</c>, or
/// <c>migrate</c> the database and exit. Operators work through the API with <c>sagaflow</c>; this binary has no verbs
/// that go around it.
/// </summary>
public static class OrchestratorCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await Verbs.InvokeAsync(Build(Console.Out, new Dictionary<string, string?>()), args, Console.Out, Console.Error, CancellationToken.None);
        }
        // What an operator must fix, in one line naming the key; no stack trace to dig it out of.
        catch (DatabaseUnavailableException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return ExitCodes.DatabaseUnavailable;
        }
        catch (OptionsValidationException exception)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return ExitCodes.BadConfiguration;
        }
    }

    /// <param name="output">Where <c>run</c> prints its progress (tests pass their own writer).</param>
    /// <param name="settings">Configuration laid over appsettings and the environment (tests point the database elsewhere).</param>
    public static RootCommand Build(TextWriter output, IDictionary<string, string?> settings)
    {
        var root = new RootCommand("SagaWorkflow orchestrator. Operators use sagaflow, the API's command line.\n\n" + ExitCodes.Describe());
        root.Subcommands.Add(Run(output, settings));
        root.Subcommands.Add(Serve(settings));
        root.Subcommands.Add(Migrate(output, settings));
        return root;
    }

    private static Command Run(TextWriter output, IDictionary<string, string?> settings)
    {
        var file = new Argument<string>("definition.json") { Description = "the workflow definition to run" };
        var input = new Option<JsonElement?>("--input")
        {
            Description = "the workflow's input, JSON",
            CustomParser = result =>
            {
                try
                {
                    using var document = JsonDocument.Parse(result.Tokens[0].Value);
                    return document.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    result.AddError($"--input is not valid JSON: {ex.Message}");
                    return null;
                }
            },
        };
        var verbose = new Option<bool>("--verbose") { Description = "also write the framework's logs (bus, database, scheduler) to stderr" };
        var run = new Command("run", "run one workflow in local mode (in-memory bus, SQLite under ./data) and wait for its outcome") { file, input, verbose };
        run.SetAction((parsed, cancellationToken) =>
            RunCommand.ExecuteAsync(new RunRequest(parsed.GetValue(file)!, parsed.GetValue(input), parsed.GetValue(verbose)), output, settings, cancellationToken));
        return run;
    }

    private static Command Serve(IDictionary<string, string?> settings)
    {
        var serve = new Command("serve",
            "host the orchestrator and its HTTP API (Api__Urls, default http://127.0.0.1:5080) until stopped; " +
            "extra --Section:Key=value arguments are configuration");
        // Configuration may come as arguments too (--Api:Urls=...), as documented in docs/operations.md.
        serve.TreatUnmatchedTokensAsErrors = false;
        serve.SetAction(async (parsed, cancellationToken) =>
        {
            await using var app = OrchestratorWebHost.Build([.. parsed.UnmatchedTokens], settings);
            await OrchestratorWebHost.RunAsync(app, cancellationToken);
            return ExitCodes.Ok;
        });
        return serve;
    }

    /// <summary>
    /// The schema without the service: <c>serve</c> migrates at its start anyway (under a lock, so several starting at once
    /// is safe); this is for a deployment that wants the schema in place, or checked, before it rolls processes out.
    /// </summary>
    private static Command Migrate(TextWriter output, IDictionary<string, string?> settings)
    {
        var migrate = new Command("migrate",
            "bring the configured database's schema (workflow tables and the scheduler's) up to date and exit; " +
            "serve does the same at its start; extra --Section:Key=value arguments are configuration");
        migrate.TreatUnmatchedTokensAsErrors = false;
        migrate.SetAction(async (parsed, cancellationToken) =>
        {
            await using var app = OrchestratorWebHost.Build([.. parsed.UnmatchedTokens], settings);
            await app.MigrateWorkflowDatabaseAsync(cancellationToken);
            await output.WriteLineAsync("the database schema is up to date");
            return ExitCodes.Ok;
        });
        return migrate;
    }
}
