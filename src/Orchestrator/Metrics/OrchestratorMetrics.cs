using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using SagaWorkflow.Hosting;
using SagaWorkflow.Persistence.Metrics;
using SagaWorkflow.Persistence.Sagas;

namespace SagaWorkflow.Orchestrator.Metrics;

/// <summary>
/// <c>/metrics</c> of the orchestrator: its counters and histograms, what it sends to its database, the state gauges, and
/// MassTransit's meter.
/// </summary>
public static class OrchestratorMetrics
{
    public static IServiceCollection AddOrchestratorMetrics(this IServiceCollection services)
    {
        services.AddSingleton<StateGauges>();
        services.AddWorkflowMetrics(WorkflowMetrics.MeterName, SagaBatchMetrics.MeterName, DatabaseMetrics.MeterName, StateGauges.MeterName);
        // A meter provider picks meters by name, and a process may host several orchestrators (the tests do), each with
        // gauges read from its own database: another host's gauges are dropped here, as if its meter had another name.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var own = provider.GetRequiredService<StateGauges>().Meter;
            metrics.AddView(i => i.Meter.Name == StateGauges.MeterName && i.Meter != own ? MetricStreamConfiguration.Drop : null);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapOrchestratorMetrics(this IEndpointRouteBuilder app)
    {
        var gauges = app.ServiceProvider.GetRequiredService<StateGauges>();
        var health = app.ServiceProvider.GetRequiredService<HealthCheckService>();
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OrchestratorMetrics));
        app.MapWorkflowMetrics(async context =>
        {
            // The same checks as /ready, so an alert on sagaworkflow_ready sees what a readiness probe sees.
            var readiness = await health.CheckHealthAsync(c => c.Tags.Contains(HealthDefaults.ReadinessTag), context.RequestAborted);
            gauges.SetReady(readiness.Status == HealthStatus.Healthy);
            try
            {
                await gauges.RefreshAsync(context.RequestAborted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Counters are still worth serving when the database is down; the gauges keep their last reading.
                logger.LogWarning(ex, "Could not refresh the in-flight and executor gauges");
            }
        });
        return app;
    }
}
