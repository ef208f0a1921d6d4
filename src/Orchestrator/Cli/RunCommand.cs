using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Orchestrator.Hosting;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>
/// The <c>run</c> verb: starts a local-mode host, submits one workflow, prints node transitions as they
/// happen and the final outputs. Exit code: 0 completed, 1 failed, 2 rejected or bad usage, 130 cancelled.
/// </summary>
public static class RunCommand
{
    public static Task<int> ExecuteAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        ExecuteAsync(args, output, new Dictionary<string, string?>(), cancellationToken);

    // settings: configuration entries laid over appsettings and environment (tests point the database elsewhere).
    public static async Task<int> ExecuteAsync(string[] args, TextWriter output, IDictionary<string, string?> settings,
        CancellationToken cancellationToken)
    {
        if (!TryParseArguments(args, output, out var file, out var input))
            return ExitCodes.Rejected;

        var errors = WorkflowDefinitionParser.ParseAndValidate(await File.ReadAllTextAsync(file, cancellationToken), out var definition);
        // Malformed JSON never reaches the saga (there is nothing to send); definition errors go through it, as for any client.
        if (definition is null)
        {
            RunReport.PrintErrors(output, file, errors);
            return ExitCodes.Rejected;
        }

        var workflowId = NewId.NextGuid();
        var monitor = new RunMonitor(workflowId, output);
        using var host = BuildHost(monitor, settings);
        await host.MigrateWorkflowDatabaseAsync(cancellationToken);
        await host.StartAsync(cancellationToken);
        try
        {
            output.WriteLine($"workflow {workflowId} ({definition.Name} v{definition.Version}, {definition.Nodes.Count} nodes)");
            var bus = host.Services.GetRequiredService<IBus>();
            using var cancelOnCtrlC = CancelOnCtrlC(bus, workflowId);
            await bus.Publish(new StartWorkflow { WorkflowId = workflowId, Definition = definition, Input = input, Trigger = "cli" }, cancellationToken);
            var outcome = await monitor.Outcome.WaitAsync(cancellationToken);
            return RunReport.Print(output, outcome);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static IHost BuildHost(RunMonitor monitor, IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
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

    private static bool TryParseArguments(string[] args, TextWriter output, out string file, out JsonElement? input)
    {
        file = "";
        input = null;
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--input" && i + 1 < args.Length)
            {
                try
                {
                    using var document = JsonDocument.Parse(args[++i]);
                    input = document.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    output.WriteLine($"--input is not valid JSON: {ex.Message}");
                    return false;
                }
            }
            else
                positional.Add(args[i]);
        }

        if (positional.Count != 1)
        {
            output.WriteLine(OrchestratorCommandLine.Usage);
            return false;
        }

        file = positional[0];
        if (File.Exists(file))
            return true;
        output.WriteLine($"definition file not found: {Path.GetFullPath(file)}");
        return false;
    }

    private sealed class CallbackDisposable(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
