using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Hosting;
using SagaWorkflow.NodeExecution;
using SagaWorkflow.NodeExecution.Runtime;

namespace SagaWorkflow.Executors;

/// <summary>
/// The standalone executor host: <c>SagaWorkflow.Executors --capabilities http,delay --concurrency 8</c>
/// (or <c>Executor__Capabilities__0=http</c> / <c>Executor__Concurrency=8</c> in the environment).
/// </summary>
public static class ExecutorHost
{
    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--capabilities"] = $"{ExecutorOptions.Section}:CapabilityList",
        ["--concurrency"] = $"{ExecutorOptions.Section}:Concurrency",
        ["--executor-id"] = $"{ExecutorOptions.Section}:ExecutorId",
        ["--pools"] = $"{ExecutorOptions.Section}:PoolList",
        ["--heartbeat"] = $"{ExecutorOptions.Section}:HeartbeatInterval",
        ["--drain-deadline"] = $"{ExecutorOptions.Section}:ShutdownDrainDeadline",
        ["--start-report-delay"] = $"{ExecutorOptions.Section}:StartReportDelay",
    };

    /// <summary>The switches that take a duration, and whether zero is allowed (only the start report delay: report every start).</summary>
    private static readonly Dictionary<string, bool> DurationSwitches = new()
    {
        ["--heartbeat"] = false,
        ["--drain-deadline"] = false,
        ["--start-report-delay"] = true,
    };

    /// <summary>Exit code of a bad setting (sysexits' EX_CONFIG, as the orchestrator uses): one line on stderr names the key.</summary>
    public const int BadConfiguration = 78;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await RunHostAsync(args);
        }
        catch (OptionsValidationException exception)
        {
            // The message names the key and never a secret (RabbitMqOptions keeps the URI out of it).
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return BadConfiguration;
        }
    }

    private static async Task<int> RunHostAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddCommandLine(args, Switches);
        if (!NormalizeDurations(builder.Configuration, Console.Error))
            return 2;
        builder.Services.AddNodeExecutors();
        builder.Services.AddWorkflowLogScopes();
        builder.Services.AddMassTransit(x =>
        {
            x.AddNodeExecutorConsumers();
            x.UsingConfiguredTransport(builder.Configuration, (context, cfg) => cfg.ConfigureNodeExecutorEndpoints(context));
        });
        builder.Services.AddExecutorPresence();
        // The drain on SIGTERM needs its deadline plus time to hand back and say goodbye.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ExecutorOptions>>((host, executor) =>
            host.ShutdownTimeout = executor.Value.ShutdownDrainDeadline + TimeSpan.FromSeconds(10));

        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<ExecutorOptions>>().Value;
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SagaWorkflow.Executors")
            .LogInformation("Executor {ExecutorId} consuming {Queues} with concurrency {Concurrency}", options.ExecutorId,
                string.Join(", ", ExecutorRegistration.ConfiguredCapabilities(options, host.Services.GetServices<INodeExecutor>())), options.Concurrency);
        await host.RunAsync();
        return 0;
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
