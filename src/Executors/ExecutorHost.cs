using System.CommandLine;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Hosting;
using SagaWorkflow.NodeExecution;
using SagaWorkflow.NodeExecution.Runtime;

namespace SagaWorkflow.Executors;

/// <summary>
/// The standalone executor host: <c>SagaWorkflow.Executors --capabilities http,delay --concurrency 8</c> (or
/// <c>Executor__Capabilities__0=http</c> / <c>Executor__Concurrency=8</c> in the environment). Each switch sets one
/// configuration key, so a switch and its key are validated alike; <c>--Section:Key=value</c> arguments are configuration too.
/// </summary>
public static class ExecutorHost
{
    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--capabilities"] = $"{ExecutorOptions.Section}:CapabilityList",
        ["--concurrency"] = $"{ExecutorOptions.Section}:Concurrency",
        ["--max-concurrency"] = $"{ExecutorOptions.Section}:MaxConcurrency",
        ["--executor-id"] = $"{ExecutorOptions.Section}:ExecutorId",
        ["--pools"] = $"{ExecutorOptions.Section}:PoolList",
        ["--heartbeat"] = $"{ExecutorOptions.Section}:HeartbeatInterval",
        ["--drain-deadline"] = $"{ExecutorOptions.Section}:ShutdownDrainDeadline",
        ["--start-report-delay"] = $"{ExecutorOptions.Section}:StartReportDelay",
    };

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["--capabilities"] = "queues to consume, comma-separated (http,delay); default every built-in",
        ["--concurrency"] = "attempts run at once per queue at start (sagaflow executor capacity changes it); default 8",
        ["--max-concurrency"] = "highest concurrency a runtime change may set, and the prefetch per queue; default --concurrency",
        ["--executor-id"] = "id recorded in workflow_nodes.executor_id; default host-pid-random",
        ["--pools"] = "pools this executor belongs to, comma-separated (nodes may target a pool)",
        ["--heartbeat"] = "heartbeat interval (500ms, 1s, 00:00:01); default 1s",
        ["--drain-deadline"] = "on SIGTERM, how long running attempts may finish before they are handed over; default 25s",
        ["--start-report-delay"] = "an attempt reports NodeStarted once it has run this long; 0 reports every start; default 50ms",
    };

    /// <summary>The switches that take a duration, and whether zero is allowed (only the start report delay: report every start).</summary>
    private static readonly Dictionary<string, bool> DurationSwitches = new()
    {
        ["--heartbeat"] = false,
        ["--drain-deadline"] = false,
        ["--start-report-delay"] = true,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await Verbs.InvokeAsync(Build(), args, Console.Out, Console.Error, CancellationToken.None);
        }
        catch (OptionsValidationException exception)
        {
            // The message names the key and never a secret (RabbitMqOptions keeps the URI out of it).
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return ExitCodes.BadConfiguration;
        }
    }

    public static RootCommand Build()
    {
        var root = new RootCommand("SagaWorkflow executor: consumes node.<capability> queues and runs nodes. Each switch is also a setting " +
            "(Executor__Concurrency=8, ...; docs/operations.md); --Section:Key=value arguments are configuration.\n\n" + ExitCodes.Describe());
        // Concurrency is a number: a typo is a usage error here rather than a binder message at start.
        var concurrency = new Option<int?>("--concurrency")
        {
            Description = Descriptions["--concurrency"],
            CustomParser = result =>
            {
                if (int.TryParse(result.Tokens[0].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
                    return value;
                result.AddError($"--concurrency '{result.Tokens[0].Value}' is not a whole number");
                return null;
            },
        };
        var options = Switches.Keys.Where(name => name != concurrency.Name).ToDictionary(name => name, name => new Option<string?>(name) { Description = Descriptions[name] });
        foreach (var option in options.Values.Append<Option>(concurrency))
            root.Options.Add(option);
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(async parsed =>
        {
            if (parsed.UnmatchedTokens.FirstOrDefault(t => !IsConfigurationArgument(t)) is { } unknown)
            {
                await Console.Error.WriteLineAsync($"unknown argument '{unknown}' (settings are given as --Section:Key=value; --help lists the switches)");
                return ExitCodes.Refused;
            }

            var settings = options.ToDictionary(o => Switches[o.Key], o => parsed.GetValue(o.Value));
            settings[Switches[concurrency.Name]] = parsed.GetValue(concurrency)?.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await RunHostAsync([.. parsed.UnmatchedTokens], settings.Where(s => s.Value is not null).ToDictionary());
        });
        return root;
    }

    private static bool IsConfigurationArgument(string token) => token.StartsWith("--", StringComparison.Ordinal) && token.Contains(':', StringComparison.Ordinal) && token.Contains('=', StringComparison.Ordinal);

    private static async Task<int> RunHostAsync(string[] configurationArgs, Dictionary<string, string?> switches)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddCommandLine(configurationArgs);
        builder.Configuration.AddInMemoryCollection(switches);
        if (!NormalizeDurations(builder.Configuration, Console.Error))
            return ExitCodes.Refused;
        builder.Services.AddNodeExecutors();
        builder.Services.AddWorkflowLogScopes();
        builder.Services.AddMassTransit(x =>
        {
            x.AddNodeExecutorConsumers();
            x.UsingConfiguredTransport(builder.Configuration, (context, cfg) => cfg.ConfigureNodeExecutorEndpoints(context));
        });
        builder.Services.AddExecutorPresence();
        // No HTTP here, so no /ready: Hosting:ReadyFile is this process's readiness probe.
        builder.Services.AddReadyFile();
        // The drain on SIGTERM needs its deadline plus time to hand back and say goodbye.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ExecutorOptions>>((host, executor) =>
            host.ShutdownTimeout = executor.Value.ShutdownDrainDeadline + TimeSpan.FromSeconds(10));

        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<ExecutorOptions>>().Value;
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SagaWorkflow.Executors")
            .LogInformation("Executor {ExecutorId} consuming {Queues} with concurrency {Concurrency}", options.ExecutorId,
                string.Join(", ", ExecutorRegistration.ConfiguredCapabilities(options, host.Services.GetServices<INodeExecutor>())), options.Concurrency);
        await host.RunAsync();
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Durations are accepted as in definitions (<c>500ms</c>, <c>1s</c>, <c>2m</c>) or as TimeSpans (<c>00:00:01</c>),
    /// from the command line or the environment; they are rewritten to the TimeSpan form options binding understands.
    /// A value that is neither is reported by its switch instead of surfacing as a binder stack trace.
    /// </summary>
    public static bool NormalizeDurations(IConfiguration configuration, TextWriter errors)
    {
        foreach (var (option, allowZero) in DurationSwitches)
        {
            var key = Switches[option];
            var text = configuration[key];
            if (text is null)
                continue;
            if (!FlexibleTimeSpanConverter.TryParse(text, out var duration) || duration < TimeSpan.Zero || (duration == TimeSpan.Zero && !allowZero))
            {
                errors.WriteLine($"{option} ({key}): '{text}' is not a {(allowZero ? "non-negative" : "positive")} duration; use e.g. 500ms, 1s, 2m or 00:00:01.");
                return false;
            }

            configuration[key] = duration.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        return true;
    }
}
