using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Hosting;
using SagaWorkflow.Orchestrator.Metrics;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>Registers and maps the HTTP surface of <c>serve</c>: <c>/api/v1</c>, <c>/health</c>, <c>/ready</c>, <c>/metrics</c>.</summary>
public static class ApiHosting
{
    public static WebApplicationBuilder AddWorkflowApi(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new ApiOptions();
        var problems = ApiOptionsProblems(options).ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException($"Invalid {ApiOptions.Section} settings: {string.Join("; ", problems)}");
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ServiceUnavailableHandler>();
        builder.Services.AddOrchestratorMetrics();
        // The bus check comes from MassTransit (see TransportConfiguration); /ready lists the checks in this order after it.
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthDefaults.ReadinessTag])
            .AddCheck<SchedulerHealthCheck>("scheduler", tags: [HealthDefaults.ReadinessTag]);
        return builder;
    }

    public static WebApplication MapWorkflowApi(this WebApplication app)
    {
        // Unhandled exceptions and bare status codes (unknown route, wrong method) also answer as problem details.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapWorkflowHealthEndpoints();
        app.MapOrchestratorMetrics();
        var api = app.MapGroup("/api/v1");
        api.MapWorkflowEndpoints();
        api.MapExecutorEndpoints();
        api.MapDefinitionEndpoints();
        api.MapScheduleEndpoints();
        api.MapMaintenanceEndpoints();
        return app;
    }

    /// <summary>Every problem with the settings at once, each naming its key, so a bad deployment fails at start.</summary>
    public static IEnumerable<string> ApiOptionsProblems(ApiOptions options)
    {
        if (options.MaxRequestBytes <= 0)
            yield return $"{ApiOptions.Section}:MaxRequestBytes must be positive";
        if (!Uri.TryCreate(options.Urls.Split(';')[0], UriKind.Absolute, out _))
            yield return $"{ApiOptions.Section}:Urls '{options.Urls}' is not a URL such as http://127.0.0.1:5080";
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            if (string.IsNullOrWhiteSpace(key.Name))
                yield return $"{ApiOptions.Section}:Keys:{i}:Name is empty (it names the key in errors, instead of the key itself)";
            if (key.Key.Length < 16)
                yield return $"{ApiOptions.Section}:Keys:{i}:Key must be at least 16 characters";
            if (key.Role is not (ApiKeyRoles.Admin or ApiKeyRoles.Read))
                yield return $"{ApiOptions.Section}:Keys:{i}:Role must be '{ApiKeyRoles.Admin}' or '{ApiKeyRoles.Read}'; got '{key.Role}'";
        }
    }
}
