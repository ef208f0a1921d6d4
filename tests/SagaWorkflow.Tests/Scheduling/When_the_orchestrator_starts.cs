using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
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

        await host.StopAsync(CancellationToken.None);
        Assert.Equal(SchedulerStatus.Shutdown, await scheduler.GetStatus());
    }

    [Fact]
    public async Task Stopping_before_the_bus_was_ever_ready_shuts_the_scheduler_down_without_starting_it()
    {
        await using var services = Quartz();
        var schedulers = services.GetRequiredService<ISchedulerFactory>();
        using var host = new SchedulerHostedService(schedulers, new BusReadiness(), NullLogger<SchedulerHostedService>.Instance);

        await host.StartAsync(CancellationToken.None);
        var scheduler = await schedulers.GetScheduler();
        Assert.Equal(SchedulerStatus.Created, await scheduler.GetStatus());
        await host.StopAsync(CancellationToken.None);

        Assert.Equal(SchedulerStatus.Shutdown, await scheduler.GetStatus());
    }
}
