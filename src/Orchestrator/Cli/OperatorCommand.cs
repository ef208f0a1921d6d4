using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Hosting;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>
/// Operator verbs against a running distributed deployment (same Transport and Database settings as the orchestrators):
/// <c>executor list</c>, <c>executor drain &lt;id&gt; [--deadline 30s]</c>, and
/// <c>node resolve &lt;workflow-id&gt; &lt;node-id&gt; succeed|retry|fail [--output &lt;json&gt;] [--reason &lt;text&gt;]</c>.
/// Commands go over the broker; the saga decides and an invalid resolve lands in <c>workflow-state_error</c> with the reason.
/// </summary>
public static class OperatorCommand
{
    public const string Usage = """
        usage: executor list
               executor drain <executor-id> [--deadline 30s] [--reason <text>]
               node resolve <workflow-id> <node-id> succeed|retry|fail [--output <json>] [--reason <text>]
        """;

    public static async Task<int> ExecuteAsync(string verb, string[] args, TextWriter output, IDictionary<string, string?> settings,
        CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWorkflowPersistence();
        var distributed = TransportConfiguration.Kind(builder.Configuration) == TransportKind.RabbitMq;
        if (distributed)
            builder.Services.AddMassTransit(x => x.UsingConfiguredTransport(builder.Configuration, (_, _) => { }));
        using var host = builder.Build();
        try
        {
            switch ((verb, args))
            {
                case ("executor", ["list"]):
                    await ListExecutorsAsync(host.Services, output, cancellationToken);
                    return 0;
                case ("executor", ["drain", var executorId, .. var options]) when distributed:
                    var deadline = Option(options, "--deadline") is { } text
                        ? FlexibleTimeSpanConverter.TryParse(text, out var parsed) && parsed >= TimeSpan.Zero ? parsed
                            : throw new ArgumentException($"--deadline '{text}' is not a duration such as 30s or 5m")
                        : (TimeSpan?)null;
                    await WithBusAsync(host, bus => bus.Publish(new DrainExecutor { ExecutorId = executorId, Deadline = deadline, Reason = Option(options, "--reason") },
                        cancellationToken), cancellationToken);
                    output.WriteLine($"drain of executor '{executorId}' requested" + (deadline is { } d ? $"; attempts still running after {d} are handed over" : ""));
                    return 0;
                case ("node", ["resolve", var workflow, var nodeId, var decision, .. var options]) when distributed:
                    var command = ResolveCommand(workflow, nodeId, decision, options);
                    await WithBusAsync(host, async bus =>
                    {
                        var endpoint = await bus.GetSendEndpoint(new Uri("queue:" + NodeQueues.WorkflowState));
                        await endpoint.Send(command, cancellationToken);
                    }, cancellationToken);
                    output.WriteLine($"'{decision}' sent for node '{nodeId}' of workflow {command.WorkflowId}; an invalid resolve lands in workflow-state_error");
                    return 0;
                case ("executor" or "node", _) when !distributed && args is not ["list"]:
                    output.WriteLine("this command talks to a distributed deployment: set Transport__Kind=RabbitMq and the RabbitMq__* settings");
                    return ExitCodes.Rejected;
                default:
                    output.WriteLine(Usage);
                    return ExitCodes.Rejected;
            }
        }
        catch (ArgumentException ex)
        {
            output.WriteLine(ex.Message);
            return ExitCodes.Rejected;
        }
    }

    private static ResolveNode ResolveCommand(string workflow, string nodeId, string decision, string[] options)
    {
        if (!Guid.TryParse(workflow, out var workflowId))
            throw new ArgumentException($"'{workflow}' is not a workflow id (a GUID)");
        if (decision is not (ResolveNode.Succeed or ResolveNode.Retry or ResolveNode.Fail))
            throw new ArgumentException($"decision must be {ResolveNode.Succeed}, {ResolveNode.Retry} or {ResolveNode.Fail}, not '{decision}'");
        JsonElement? outputJson = null;
        if (Option(options, "--output") is { } text)
        {
            try
            {
                outputJson = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new ArgumentException($"--output is not JSON: {ex.Message}", ex);
            }
        }

        return new ResolveNode { WorkflowId = workflowId, NodeId = nodeId, Decision = decision, Output = outputJson, Reason = Option(options, "--reason") };
    }

    private static async Task WithBusAsync(IHost host, Func<IBus, Task> action, CancellationToken cancellationToken)
    {
        var bus = host.Services.GetRequiredService<IBusControl>();
        await bus.StartAsync(cancellationToken);
        try
        {
            await action(bus);
        }
        finally
        {
            await bus.StopAsync(cancellationToken);
        }
    }

    private static async Task ListExecutorsAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        await using var db = services.GetRequiredService<WorkflowDbContextFactory>().Create();
        var rows = await db.Executors.AsNoTracking().OrderBy(e => e.ExecutorId).ToListAsync(cancellationToken);
        output.WriteLine($"{"EXECUTOR",-28} {"STATE",-9} {"IN FLIGHT",9} {"CAPABILITIES",-24} {"POOLS",-12} LAST HEARTBEAT");
        foreach (var e in rows)
            output.WriteLine($"{e.ExecutorId,-28} {e.CurrentState,-9} {e.InFlightCount,4}/{e.Concurrency,-4} {e.Capabilities,-24} {e.Pools,-12} {e.LastHeartbeatAt:O}");
        if (rows.Count == 0)
            output.WriteLine("(no executor has announced itself yet)");
    }

    private static string? Option(string[] options, string name)
    {
        var index = Array.IndexOf(options, name);
        if (index < 0)
            return null;
        return index + 1 < options.Length ? options[index + 1] : throw new ArgumentException($"{name} needs a value");
    }
}
