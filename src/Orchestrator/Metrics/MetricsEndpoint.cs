using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Persistence.Sagas;

namespace SagaWorkflow.Orchestrator.Metrics;

/// <summary><c>/metrics</c>: our instruments and MassTransit's, in Prometheus text format.</summary>
public static class MetricsEndpoint
{
    /// <summary>MassTransit's System.Diagnostics.Metrics meter (receive, consume, send, saga counters and durations).</summary>
    public const string MassTransitMeter = "MassTransit";

    public static IServiceCollection AddWorkflowMetrics(this IServiceCollection services)
    {
        services.AddSingleton<StateGauges>();
        services.AddSingleton(sp =>
        {
            var gauges = sp.GetRequiredService<StateGauges>();
            return new PrometheusExporter(i => i.Meter == WorkflowMetrics.Meter || i.Meter == gauges.Meter || i.Meter == SagaBatchMetrics.Meter
                || i.Meter.Name == MassTransitMeter);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app)
    {
        // Resolved now, before the bus starts, so no measurement happens before the listener exists.
        var exporter = app.ServiceProvider.GetRequiredService<PrometheusExporter>();
        app.MapGet("/metrics", async (StateGauges gauges, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        {
            try
            {
                await gauges.RefreshAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Counters are still worth serving when the database is down; the gauges keep their last reading.
                loggers.CreateLogger(typeof(MetricsEndpoint)).LogWarning(ex, "Could not refresh the in-flight and executor gauges");
            }

            return Results.Text(exporter.Scrape(), PrometheusExporter.ContentType);
        });
        return app;
    }
}
