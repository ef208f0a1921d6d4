using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>
/// Announces the executor (<see cref="ExecutorOnline"/>), heartbeats every interval with its in-flight attempts, and on a
/// clean shutdown (SIGTERM) drains with <see cref="ExecutorOptions.ShutdownDrainDeadline"/> and says
/// <see cref="ExecutorStopped"/>. Registered after MassTransit, so it starts after the bus and stops before it.
/// </summary>
public sealed class ExecutorPresence(
    IBus bus,
    RunningExecutions running,
    ExecutorDrain drain,
    NodeCapacity capacity,
    ExecutorInstance instance,
    IEnumerable<INodeExecutor> executors,
    IOptions<ExecutorOptions> options,
    TimeProvider time,
    ILogger<ExecutorPresence> logger) : BackgroundService
{
    private static readonly string AgentVersion = typeof(ExecutorPresence).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private ExecutorOptions Options => options.Value;
    private IReadOnlyList<string> Capabilities => ExecutorRegistration.ConfiguredCapabilities(Options, executors);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await bus.Publish(new ExecutorOnline
        {
            ExecutorId = Options.ExecutorId,
            InstanceId = instance.Id,
            Capabilities = Capabilities,
            Pools = ExecutorRegistration.NamedPools(Options),
            Concurrency = capacity.Concurrency,
            Host = Environment.MachineName,
            AgentVersion = AgentVersion,
            HeartbeatInterval = Options.HeartbeatInterval,
            OwnQueue = Options.HasStableId,
            Timestamp = Now,
        }, stoppingToken);

        using var timer = new PeriodicTimer(Options.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await bus.Publish(Heartbeat(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A broker hiccup: the next beat tries again; if they keep failing the orchestrators will fail us over.
                logger.LogWarning(ex, "Heartbeat of executor {ExecutorId} failed", Options.ExecutorId);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Drain while the heartbeat loop still runs: a silent executor would be declared lost mid-drain.
        await drain.DrainAsync(Options.ShutdownDrainDeadline, "shutting down").WaitAsync(cancellationToken);
        await base.StopAsync(cancellationToken);
        await bus.Publish(new ExecutorStopped { ExecutorId = Options.ExecutorId, InstanceId = instance.Id, Timestamp = Now }, cancellationToken);
        logger.LogInformation("Executor {ExecutorId} stopped cleanly", Options.ExecutorId);
    }

    private ExecutorHeartbeat Heartbeat() => new()
    {
        ExecutorId = Options.ExecutorId,
        InstanceId = instance.Id,
        Capabilities = Capabilities,
        Pools = ExecutorRegistration.NamedPools(Options),
        Concurrency = capacity.Concurrency,
        Host = Environment.MachineName,
        AgentVersion = AgentVersion,
        HeartbeatInterval = Options.HeartbeatInterval,
        InFlight = running.ExecutionIds,
        Draining = drain.IsDraining,
        OwnQueue = Options.HasStableId,
        Timestamp = Now,
    };

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
