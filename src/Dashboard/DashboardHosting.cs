using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Dashboard.Api;
using SagaWorkflow.Dashboard.Components;
using SagaWorkflow.Dashboard.Graph;

namespace SagaWorkflow.Dashboard;

/// <summary>
/// Registers the dashboard and maps it under <c>/ui</c> on the API's listener. The components (pages, the blazor.web.js
/// script, the circuit hub) are mapped at the root and reached through the <c>/ui</c> path base; a guard keeps each
/// side on its own prefix, so the UI does not also answer at <c>/</c> and the API not also under <c>/ui/api</c>.
/// </summary>
public static class DashboardHosting
{
    public const string PathBase = "/ui";

    public static IServiceCollection AddWorkflowDashboard(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddHttpClient(DashboardApi.ClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
            {
                // The dashboard calls its own process over loopback; an https listener there has whatever certificate the
                // operator gave it, often not valid for 127.0.0.1, and no one can sit between a process and itself.
                ServerCertificateCustomValidationCallback = (request, _, _, errors) =>
                    errors == System.Net.Security.SslPolicyErrors.None || request.RequestUri?.IsLoopback == true,
            });
        services.AddSingleton<ApiAddress>();
        services.AddSingleton<DashboardApi>();
        services.AddSingleton<KeyCookie>();
        services.AddSingleton<DagLayouts>();
        services.AddHostedService<LayoutWarmUp>();
        return services;
    }

    public static WebApplication MapWorkflowDashboard(this WebApplication app)
    {
        app.UsePathBase(PathBase);
        app.UseRouting();
        app.Use(KeepToOwnPrefix);
        app.UseAntiforgery();
        app.MapGet("/dashboard.css", () => Asset("dashboard.css", "text/css")).WithMetadata(DashboardEndpoint.Marker);
        app.MapGet("/_framework/blazor.web.js", () => Asset("blazor.web.js", "text/javascript")).WithMetadata(DashboardEndpoint.Marker);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(e => e.Metadata.Add(DashboardEndpoint.Marker));
        return app;
    }

    private static Task KeepToOwnPrefix(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is { } endpoint
            && endpoint.Metadata.GetMetadata<DashboardEndpoint>() is not null != context.Request.PathBase.StartsWithSegments(PathBase))
            context.SetEndpoint(null);
        return next(context);
    }

    private static IResult Asset(string name, string contentType)
    {
        var stream = typeof(DashboardHosting).Assembly.GetManifestResourceStream($"SagaWorkflow.Dashboard.Assets.{name}")
            ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded.");
        return Results.Stream(stream, contentType);
    }
}

/// <summary>Marks the endpoints that belong to the dashboard (served only under <see cref="DashboardHosting.PathBase"/>).</summary>
public sealed class DashboardEndpoint
{
    public static readonly DashboardEndpoint Marker = new();

    private DashboardEndpoint()
    {
    }
}
