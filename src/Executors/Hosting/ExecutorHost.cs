using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SagaWorkflow.Executors.Hosting;

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
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddCommandLine(args, Switches);
        builder.Services.AddNodeExecutors();
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
}
