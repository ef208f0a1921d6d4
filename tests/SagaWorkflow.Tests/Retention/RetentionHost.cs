using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Cli;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Tests.Api;
using SagaWorkflow.Tests.Persistence;

namespace SagaWorkflow.Tests.Retention;

/// <summary>
/// A real <c>serve</c> host in process (in-memory bus, built-in executors) on a <see cref="ScratchDatabase"/> of any
/// provider, so the API, the CLI and the retention job run against SQLite, MySQL or PostgreSQL alike.
/// </summary>
public sealed class RetentionHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RetentionHost(WebApplication app, Uri address)
    {
        _app = app;
        Anonymous = new HttpClient { BaseAddress = address };
        Admin = new HttpClient { BaseAddress = address };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiHost.AdminKey);
    }

    public HttpClient Anonymous { get; }
    public HttpClient Admin { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<RetentionHost> StartAsync(ScratchDatabase database, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Database:Provider"] = database.Factory.Provider.ToString(),
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Api:Urls"] = "http://127.0.0.1:0",
            ["Api:Keys:0:Name"] = "ops",
            ["Api:Keys:0:Key"] = ApiHost.AdminKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        var app = OrchestratorWebHost.Build([], all);
        await app.MigrateWorkflowDatabaseAsync(CancellationToken.None);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return new RetentionHost(app, address);
    }

    /// <summary>Runs <c>sagaflow</c> in process against this host with the admin key.</summary>
    public async Task<(int Exit, string Output, string Errors)> SagaflowAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exit = await SagaflowCommand.RunAsync(["--api", Anonymous.BaseAddress!.ToString(), .. args], output, errors,
            name => name == "SAGAFLOW_API_KEY" ? ApiHost.AdminKey : null, guard.Token);
        return (exit, output.ToString(), errors.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
