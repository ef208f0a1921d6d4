using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SagaWorkflow.Hosting;

/// <summary>
/// <c>/health</c>: the process answers (liveness; restart it when this fails). <c>/ready</c>: every ASP.NET Core health
/// check tagged <see cref="ReadinessTag"/>, each with its status and detail; any check not healthy makes it 503 so a
/// load balancer stops routing here. MassTransit registers its bus check with this tag itself.
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
