using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Tests.Integration;

namespace SagaWorkflow.Tests.Api;

/// <summary>
/// A real <c>serve</c> host in local mode (in-memory bus, SQLite file, built-in executors) listening on a free loopback
/// port, with one admin and one read-only key, and HTTP clients for each kind of caller.
/// </summary>
public class ApiHost : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const string ReadKey = "test-read-key-0123456789";

    private readonly string _directory = Directory.CreateTempSubdirectory("sagaworkflow-api-").FullName;
    private WebApplication? _app;

    /// <summary>A subclass turns this on to test the locked-down read mode.</summary>
    protected virtual bool ReadsRequireKey => false;

    /// <summary>Small by default, so tests of the limit need no large bodies; a subclass raises it for large valid ones.</summary>
    protected virtual long MaxRequestBytes => 65536;

    /// <summary>Settings a subclass adds or overrides.</summary>
    protected virtual IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Reader { get; private set; } = null!;

    /// <summary>The host's services, for a test that plays another component (e.g. sends what the failover consumer sends).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the host is not started");

    public async Task InitializeAsync()
    {
        _app = OrchestratorWebHost.Build([], new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(_directory, "sagaworkflow.db")}",
            ["Api:Urls"] = "http://127.0.0.1:0",
            ["Api:Keys:0:Name"] = "ops",
            ["Api:Keys:0:Key"] = AdminKey,
            ["Api:Keys:1:Name"] = "dashboard",
            ["Api:Keys:1:Key"] = ReadKey,
            ["Api:Keys:1:Role"] = "read",
            ["Api:MaxRequestBytes"] = MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The in-process http executor calls test servers on loopback, which its target policy refuses unless allowed.
            ["Executor:Http:Allow:0"] = "127.0.0.0/8",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Api:ReadsRequireKey"] = ReadsRequireKey ? "true" : "false",
        }.Concat(MoreSettings).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value));
        await _app.MigrateWorkflowDatabaseAsync(CancellationToken.None);
        await _app.StartAsync();
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Anonymous = new HttpClient { BaseAddress = address };
        Admin = new HttpClient { BaseAddress = address };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Reader = new HttpClient { BaseAddress = address };
        Reader.DefaultRequestHeaders.Add("X-Api-Key", ReadKey);
    }

    /// <summary>Submits an inline definition as the admin and returns the workflow id the API answered with.</summary>
    public async Task<Guid> SubmitAsync(object definition, object? input = null, Guid? id = null)
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/workflows", new { id, definition, input });
        Assert.True(response.IsSuccessStatusCode, $"submit answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> WorkflowAsync(Guid id)
    {
        using var response = await Anonymous.GetAsync($"/api/v1/workflows/{id}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
    }

    /// <summary>Waits until GET shows the workflow in <paramref name="state"/>, and returns that view.</summary>
    public async Task<JsonElement> WaitForStateAsync(Guid id, string state)
    {
        JsonElement view = default;
        await Eventually.WaitUntilAsync(async () =>
            {
                view = await WorkflowAsync(id);
                return view.ValueKind == JsonValueKind.Object && view.GetProperty("state").GetString() == state;
            },
            TimeSpan.FromSeconds(60), () => Task.FromResult($"workflow {id} never became {state}: {view}"));
        return view;
    }

    /// <summary>Waits until GET shows node <paramref name="node"/> in <paramref name="state"/>, and returns the workflow view.</summary>
    public async Task<JsonElement> WaitForNodeAsync(Guid id, string node, string state)
    {
        JsonElement view = default;
        await Eventually.WaitUntilAsync(async () =>
        {
            view = await WorkflowAsync(id);
            return view.ValueKind == JsonValueKind.Object && Node(view, node).GetProperty("state").GetString() == state;
        }, TimeSpan.FromSeconds(60), () => Task.FromResult($"node {node} never became {state}: {view}"));
        return view;
    }

    /// <summary>Node <paramref name="id"/> of a workflow view.</summary>
    public static JsonElement Node(JsonElement workflow, string id) =>
        workflow.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == id);

    public async Task DisposeAsync()
    {
        Anonymous.Dispose();
        Admin.Dispose();
        Reader.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
