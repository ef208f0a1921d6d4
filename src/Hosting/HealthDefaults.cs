using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace SagaWorkflow.Hosting;

/// <summary>
/// <c>/health</c>: the process answers (liveness; restart it when this fails). <c>/ready</c>: every ASP.NET Core health
/// check tagged <see cref="ReadinessTag"/>, each with its status and detail; any check not healthy makes it 503 so a
/// load balancer stops routing here. MassTransit registers its bus check with this tag itself. The same checks drive the
/// ready file (<see cref="AddReadyFile"/>), the probe of a process without HTTP.
/// </summary>
public static class HealthDefaults
{
    public const string ReadinessTag = "ready";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapWorkflowHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = (context, _) => context.Response.WriteAsJsonAsync(new { status = "alive" }, Json),
        });
        app.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadinessTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteReadinessAsync,
        });
        return app;
    }

    /// <summary>
    /// <c>Hosting:ReadyFile</c>: a file that exists while the readiness checks pass (<see cref="ReadyFileWriter"/>). Both
    /// hosts call this; it writes nothing unless the setting is given.
    /// </summary>
    public static IServiceCollection AddReadyFile(this IServiceCollection services)
    {
        // The executor host maps no endpoints, so nothing else there is sure to register the health check service.
        services.AddHealthChecks();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HostingOptions>, HostingOptionsValidator>());
        services.AddHostedService<ReadyFileWriter>();
        return services;
    }

    /// <summary>One entry of <c>/ready</c>: <c>ok</c> or <c>failing</c>, and why when failing.</summary>
    public sealed record Check(string Name, string Status, string? Detail);

    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.Select(e => e.Value.Status == HealthStatus.Healthy
            ? new Check(e.Key, "ok", null)
            : new Check(e.Key, "failing", e.Value.Description ?? e.Value.Exception?.Message ?? e.Value.Status.ToString()));
        return context.Response.WriteAsJsonAsync(
            new { status = report.Status == HealthStatus.Healthy ? "ready" : "not ready", checks }, Json);
    }
}
