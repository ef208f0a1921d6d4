using Microsoft.Extensions.Hosting;
using Quartz;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// Shuts the scheduler down, letting running jobs finish. Registered before the bus, so it stops after it: while the bus
/// stops it may still deliver schedule and cancel requests (a workflow finishing cancels its deadline), and a scheduler
/// already shut down would fault them into <c>scheduler_error</c>. <see cref="SchedulerHostedService"/> has stopped the
/// firing before the bus stops.
/// </summary>
public sealed class SchedulerShutdownService(ISchedulerFactory schedulers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
    }
}
