using System.CommandLine;
using SagaWorkflow.CommandLine;

namespace SagaWorkflow.Cli;

/// <summary>
/// <c>sagaflow</c>: the operator's command line over the orchestrator's HTTP API. Verbs, options and help come from
/// System.CommandLine; exit codes from the one table every binary shares (<see cref="ExitCodes"/>).
/// </summary>
public static class SagaflowCommand
{
    public const string DefaultApi = "http://127.0.0.1:5080";

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, Func<string, string?> environment,
        CancellationToken cancellationToken, bool interactive = false, TimeSpan? pollInterval = null, HttpMessageHandler? handler = null,
        TimeSpan? requestTimeout = null)
    {
        var settings = new SagaflowSettings(output, errors, environment, interactive, pollInterval ?? TimeSpan.FromMilliseconds(500), handler, requestTimeout);
        return Verbs.InvokeAsync(Build(settings), args, output, errors, cancellationToken);
    }

    public static RootCommand Build(SagaflowSettings settings)
    {
        var api = new Option<string?>("--api") { Description = $"the orchestrator's API; default $SAGAFLOW_API, then {DefaultApi}", Recursive = true };
        var key = new Option<string?>("--key") { Description = "API key for mutations (and reads if the API asks); default $SAGAFLOW_API_KEY", Recursive = true };
        var verbs = new VerbAction(settings, api, key);
        var root = new RootCommand("sagaflow: submit, follow and operate workflows through the orchestrator's HTTP API.\n\n" + ExitCodes.Describe())
        {
            api, key,
        };
        foreach (var command in WorkflowVerbs.Create(verbs).Concat(CatalogVerbs.Create(verbs)).Concat(ExecutorVerbs.Create(verbs)).Concat(MaintenanceVerbs.Create(verbs)))
            root.Subcommands.Add(command);
        return root;
    }
}

/// <summary>What <see cref="SagaflowCommand.RunAsync"/> was given besides the arguments (tests give their own writers, handler and timings).</summary>
public sealed record SagaflowSettings(TextWriter Output, TextWriter Errors, Func<string, string?> Environment, bool Interactive, TimeSpan PollInterval,
    HttpMessageHandler? Handler, TimeSpan? RequestTimeout);

/// <summary>What a verb runs with: the API client, where to write, and the watchers.</summary>
public sealed record Session(ApiClient Client, Screen Screen, WorkflowWatcher Watcher, DrainWatcher DrainWatcher);

/// <summary>Bad input on this side of the API (a missing file, malformed JSON): exit 2 with the message.</summary>
public sealed class UsageException(string message) : Exception(message);
