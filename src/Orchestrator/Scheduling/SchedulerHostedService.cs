using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// Runs the Quartz scheduler of this orchestrator, starting it only when the bus is ready (<see cref="BusReadiness"/>).
/// Quartz's own hosted service starts it at once, before the bus, so the first fires after a start (every missed cron
/// time, every overdue timer) were published before their consumers' bindings existed. Until then <c>/ready</c> reports
/// the scheduler as Created, not Running. On stop (before the bus stops) it goes to standby: no trigger fires while the bus
/// goes away, but schedule and cancel requests that the bus still delivers are stored; <see cref="SchedulerShutdownService"/>
/// shuts it down once the bus has stopped.
/// </summary>
public sealed class SchedulerHostedService(ISchedulerFactory schedulers, BusReadiness bus, ILogger<SchedulerHostedService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _start = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Created now (not started) so that a misconfigured store fails the host's start, as Quartz's own service does.
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        _start = StartWhenBusReadyAsync(scheduler, _stopping.Token);
    }

    private async Task StartWhenBusReadyAsync(IScheduler scheduler, CancellationToken stopping)
    {
        try
        {
            await bus.Ready.WaitAsync(stopping);
            await scheduler.Start(stopping);
            logger.LogInformation("Scheduler {Instance} started", scheduler.SchedulerInstanceId);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _start;
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.Standby(cancellationToken);
    }

    public void Dispose() => _stopping.Dispose();
}
