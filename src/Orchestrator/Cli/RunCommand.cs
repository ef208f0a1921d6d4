using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Orchestrator.Hosting;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>
/// The <c>run</c> verb: starts a local-mode host, submits one workflow, prints node transitions as they happen and the
/// final outputs, with exit codes from <see cref="ExitCodes"/>. Its own lines are the only output: the framework's logs
/// are left out unless <c>--verbose</c> asks for them (on stderr, so stdout stays the run's report).
/// </summary>
public static class RunCommand
{
    /// <summary>The verb as a caller in this process runs it: <paramref name="args"/> as after <c>run</c> on the command line.</summary>
    public static Task<int> ExecuteAsync(string[] args, TextWriter output, IDictionary<string, string?> settings, CancellationToken cancellationToken) =>
        Verbs.InvokeAsync(OrchestratorCommandLine.Build(output, settings), ["run", .. args], output, output, cancellationToken);

    public static async Task<int> ExecuteAsync(RunRequest request, TextWriter output, IDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var file = request.File;
        if (!File.Exists(file))
        {
            output.WriteLine($"definition file not found: {Path.GetFullPath(file)}");
            return ExitCodes.Refused;
        }

        var errors = WorkflowDefinitionParser.ParseAndValidate(await File.ReadAllTextAsync(file, cancellationToken), out var definition);
        // Malformed JSON never reaches the saga (there is nothing to send); definition errors go through it, as for any client.
        if (definition is null)
        {
            RunReport.PrintErrors(output, file, errors);
            return ExitCodes.Refused;
        }

        var workflowId = NewId.NextGuid();
        var monitor = new RunMonitor(workflowId, output);
        using var host = BuildHost(monitor, settings, request.Verbose);
        await host.MigrateWorkflowDatabaseAsync(cancellationToken);
        await host.StartAsync(cancellationToken);
        try
        {
            output.WriteLine($"workflow {workflowId} ({definition.Name} v{definition.Version}, {definition.Nodes.Count} nodes)");
            var bus = host.Services.GetRequiredService<IBus>();
            using var cancelOnCtrlC = CancelOnCtrlC(bus, workflowId);
            await bus.Publish(new StartWorkflow { WorkflowId = workflowId, Definition = definition, Input = request.Input, Trigger = "cli" }, cancellationToken);
            var outcome = await monitor.Outcome.WaitAsync(cancellationToken);
            return RunReport.Print(output, outcome);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static IHost BuildHost(RunMonitor monitor, IDictionary<string, string?> settings, bool verbose)
    {
        // No watching of appsettings.json for changes: a one-shot run has no use for a reload, and the watcher covers the
        // working directory recursively, where the SQLite file lives (./data): every write to its log woke the watcher
        // (perf of a 10,000-node run: 7 % of the process in inotify wake-ups and reads).
        var hostSettings = new ConfigurationManager();
        hostSettings.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = hostSettings });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        if (verbose)
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton(monitor);
        // The verb owns Ctrl+C (it cancels the workflow), so the host must not stop on it.
        builder.Services.AddSingleton<IHostLifetime, RunLifetime>();
        builder.AddWorkflowOrchestrator(x => x.AddConsumer<RunProgressConsumer>().Endpoint(e => e.Name = $"run-progress-{monitor.WorkflowId:N}"));
        var host = builder.Build();
        host.Services.GetRequiredService<IBusControl>().ConnectSendObserver(new DispatchObserver(monitor));
        return host;
    }

    private static CallbackDisposable CancelOnCtrlC(IBus bus, Guid workflowId)
    {
        void Handler(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            _ = bus.Publish(new CancelWorkflow { WorkflowId = workflowId, Reason = "interrupted (Ctrl+C)" });
        }

        Console.CancelKeyPress += Handler;
        return new CallbackDisposable(() => Console.CancelKeyPress -= Handler);
    }

    private sealed class CallbackDisposable(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

/// <summary>What <c>run</c> was asked: the definition file, the workflow's input, and whether to show the framework's logs.</summary>
public sealed record RunRequest(string File, JsonElement? Input, bool Verbose);
