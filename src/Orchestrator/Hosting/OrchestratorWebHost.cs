using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SagaWorkflow.Dashboard;
using SagaWorkflow.Hosting;
using SagaWorkflow.Orchestrator.Api;

namespace SagaWorkflow.Orchestrator.Hosting;

/// <summary>
/// The <c>serve</c> host: the orchestrator (sagas, scheduler, recovery) plus, unless <c>Api:Enabled</c> is false, the HTTP
/// API with <c>/health</c>, <c>/ready</c> and <c>/metrics</c>, and the dashboard under <c>/ui</c>. Tests build the same host with their own settings.
/// </summary>
public static class OrchestratorWebHost
{
    public static WebApplication Build(string[] args, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        var api = builder.Configuration.GetValue(ApiOptions.Section + ":" + nameof(ApiOptions.Enabled), true);
        builder.AddWorkflowOrchestrator();
        builder.Services.AddWorkflowLogScopes();
        if (api)
        {
            builder.AddWorkflowApi();
            builder.Services.AddWorkflowDashboard();
        }
        else
            builder.Services.AddSingleton<IServer, NoHttpServer>();
        var app = builder.Build();
        if (api)
            app.MapWorkflowApi().MapWorkflowDashboard();
        return app;
    }

    /// <summary>Migrates the database, then runs until stopped.</summary>
    public static async Task RunAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.MigrateWorkflowDatabaseAsync(cancellationToken);
        await app.RunAsync(cancellationToken);
    }
}
