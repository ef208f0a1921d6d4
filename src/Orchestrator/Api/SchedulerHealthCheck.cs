using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>Readiness: the Quartz scheduler that fires schedules and timers is running.</summary>
public sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = (await schedulers.GetAllSchedulers(cancellationToken)).FirstOrDefault();
        if (scheduler is null)
            return HealthCheckResult.Unhealthy("no Quartz scheduler created yet");
        var status = await scheduler.GetStatus(cancellationToken);
        return status == SchedulerStatus.Running ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"the Quartz scheduler is {status}, not Running");
    }
}
