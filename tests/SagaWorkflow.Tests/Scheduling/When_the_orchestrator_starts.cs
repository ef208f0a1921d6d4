using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Orchestrator.Scheduling;
using SagaWorkflow.Tests.Integration;

namespace SagaWorkflow.Tests.Scheduling;

/// <summary>
/// Regression: Quartz started before the bus, so cron fires due at start-up were published on a fresh vhost before
/// the saga queue's bindings existed and their workflows never started (ledger said fired, no run).
/// </summary>
public sealed class When_the_orchestrator_starts
{
    private static ServiceProvider Quartz() => new ServiceCollection().AddQuartz(q => q.ConfigureScheduler(o => o.InstanceName = $"test-{Guid.NewGuid():N}")).BuildServiceProvider();

    [Fact]
    public async Task The_scheduler_is_not_started_until_the_bus_is_ready_then_runs()
    {
        await using var services = Quartz();
        var schedulers = services.GetRequiredService<ISchedulerFactory>();
        var readiness = new BusReadiness();
        using var host = new SchedulerHostedService(schedulers, readiness, NullLogger<SchedulerHostedService>.Instance);

        await host.StartAsync(CancellationToken.None);
        var scheduler = await schedulers.GetScheduler();
        Assert.Equal(SchedulerStatus.Created, await scheduler.GetStatus());

        await readiness.PostStart(null!, Task.FromResult<BusReady>(null!));
        await Eventually.WaitUntilAsync(async () => await scheduler.GetStatus() == SchedulerStatus.Running, TimeSpan.FromSeconds(30),
            async () => $"scheduler is {await scheduler.GetStatus()} after the bus became ready");

        // Stopping (before the bus) only stops the firing: requests the stopping bus still delivers can be stored.
        await host.StopAsync(CancellationToken.None);
        Assert.Equal(SchedulerStatus.Standby, await scheduler.GetStatus());
        await new SchedulerShutdownService(schedulers).StopAsync(CancellationToken.None);
        Assert.Equal(SchedulerStatus.Shutdown, await scheduler.GetStatus());
    }

    [Fact]
    public async Task Stopping_before_the_bus_was_ever_ready_never_starts_the_scheduler_and_it_shuts_down_after_the_bus()
    {
        await using var services = Quartz();
        var schedulers = services.GetRequiredService<ISchedulerFactory>();
        using var host = new SchedulerHostedService(schedulers, new BusReadiness(), NullLogger<SchedulerHostedService>.Instance);

        await host.StartAsync(CancellationToken.None);
        var scheduler = await schedulers.GetScheduler();
        Assert.Equal(SchedulerStatus.Created, await scheduler.GetStatus());
        await host.StopAsync(CancellationToken.None);
        Assert.NotEqual(SchedulerStatus.Running, await scheduler.GetStatus());
        await new SchedulerShutdownService(schedulers).StopAsync(CancellationToken.None);

        Assert.Equal(SchedulerStatus.Shutdown, await scheduler.GetStatus());
    }

    /// <summary>
    /// Regression: with the scheduler shut down before the bus, a workflow finishing during shutdown (its deadline's
    /// CancelScheduledMessage still in flight) faulted into scheduler_error. Hosted services start in registration order
    /// and stop in reverse: shutdown service, then the bus, then the start-when-ready service.
    /// </summary>
    [Fact]
    public void The_scheduler_shuts_down_after_the_bus_stops_and_starts_after_it_is_registered()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"order-{Guid.NewGuid():N}.db")}",
        });
        builder.AddWorkflowOrchestrator();

        var hosted = builder.Services.Where(d => d.ServiceType == typeof(IHostedService))
            .Select(d => d.ImplementationType ?? d.ImplementationFactory?.Method.ReturnType).ToList();
        int IndexOf(Type type) => hosted.FindIndex(t => t == type);

        Assert.True(IndexOf(typeof(SchedulerShutdownService)) >= 0 && IndexOf(typeof(SchedulerHostedService)) >= 0, string.Join(", ", hosted));
        Assert.True(IndexOf(typeof(SchedulerShutdownService)) < IndexOf(typeof(MassTransitHostedService)), string.Join(", ", hosted));
        Assert.True(IndexOf(typeof(MassTransitHostedService)) < IndexOf(typeof(SchedulerHostedService)), string.Join(", ", hosted));
    }
}
