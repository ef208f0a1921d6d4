using Microsoft.Extensions.Options;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>Verbs of the orchestrator executable: <c>run</c> a definition file to completion, or <c>serve</c> (the default).</summary>
public static class OrchestratorCommandLine
{
    public const string Usage = """
        usage:
          SagaWorkflow.Orchestrator run <definition.json> [--input <json>]   run one workflow in local mode and wait for it
          SagaWorkflow.Orchestrator serve                                  host the orchestrator and its HTTP API (Api__Urls, default http://127.0.0.1:5080) until stopped
          SagaWorkflow.Orchestrator schedule create <schedule.json> | list | pause <id> | resume <id> | delete <id>
          SagaWorkflow.Orchestrator executor list | drain <executor-id> [--deadline 30s]
          SagaWorkflow.Orchestrator node resolve <workflow-id> <node-id> succeed|retry|fail [--output <json>]
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await RunVerbAsync(args);
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

    private static async Task<int> RunVerbAsync(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "run":
                return await RunCommand.ExecuteAsync(args[1..], Console.Out, CancellationToken.None);
            case "schedule":
                return await ScheduleCommand.ExecuteAsync(args[1..], Console.Out, new Dictionary<string, string?>(), CancellationToken.None);
            case "executor" or "node":
                return await OperatorCommand.ExecuteAsync(args[0], args[1..], Console.Out, new Dictionary<string, string?>(), CancellationToken.None);
            case null or "serve":
                await using (var app = OrchestratorWebHost.Build(args.Skip(1).ToArray()))
                    await OrchestratorWebHost.RunAsync(app, CancellationToken.None);
                return 0;
            case "-h" or "--help" or "help":
                Console.Out.WriteLine(Usage);
                return 0;
            default:
                await Console.Error.WriteLineAsync($"unknown verb '{args[0]}'.\n{Usage}");
                return 2;
        }
    }
}
