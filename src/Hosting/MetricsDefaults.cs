using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace SagaWorkflow.Hosting;

/// <summary>
/// Metrics as a host exports them: System.Diagnostics.Metrics meters (its own and MassTransit's) through OpenTelemetry's
/// Prometheus exporter, in the text format at <see cref="Path"/>. Names follow the exporter's translation: dots become
/// underscores, a unit adds its suffix (<c>ms</c> -> <c>_milliseconds</c>), a counter ends in <c>_total</c>.
/// </summary>
public static class MetricsDefaults
{
    public const string Path = "/metrics";

    /// <summary>MassTransit's meter (receive, consume, send, saga counters and durations).</summary>
    public const string MassTransitMeter = "MassTransit";

    // The buckets docs/api.md lists. The SDK's defaults stop at 10 s, short of a node that runs for minutes.
    private static readonly double[] MillisecondBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000];
    private static readonly double[] SecondBuckets = MillisecondBuckets.Select(b => b / 1000).ToArray();
    private static readonly double[] CountBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    /// <summary>Exports <paramref name="meters"/> and MassTransit's meter; call <see cref="MapWorkflowMetrics"/> to serve them.</summary>
    public static IServiceCollection AddWorkflowMetrics(this IServiceCollection services, params string[] meters)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter([.. meters, MassTransitMeter])
            .AddView(HistogramBuckets)
            .AddPrometheusExporter(o =>
            {
                // A scrape is a reading of now (tests read a counter right after what moves it); scrapers are few.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                // Series carry the labels their instruments record and nothing else, as docs/api.md lists them.
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
            }));
        return services;
    }

    /// <summary>Maps <see cref="Path"/>; <paramref name="beforeScrape"/> runs first (e.g. to read gauges from a database).</summary>
    public static IEndpointConventionBuilder MapWorkflowMetrics(this IEndpointRouteBuilder app, Func<HttpContext, Task>? beforeScrape = null)
    {
        // Built now, before the bus starts, not at the first scrape: a listener sees nothing measured before it exists.
        app.ServiceProvider.GetRequiredService<MeterProvider>();
        return app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: beforeScrape is null ? null
            : branch => branch.Use(async (context, next) =>
            {
                await beforeScrape(context);
                await next(context);
            }), optionsName: null);
    }

    private static MetricStreamConfiguration? HistogramBuckets(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(Histogram<>))
            return null;
        return new ExplicitBucketHistogramConfiguration
        {
            Boundaries = instrument.Unit switch
            {
                "s" => SecondBuckets,
                ['{', ..] => CountBuckets, // a count such as {message}
                _ => MillisecondBuckets,
            },
        };
    }
}
