using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SagaWorkflow.Tests.Api;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>The HTTP API of a real orchestrator process on RabbitMQ and PostgreSQL.</summary>
public sealed class When_an_orchestrator_serves_its_api(ITestOutputHelper output)
{
    private const string AdminKey = "integration-admin-key-0123";

    [IntegrationTheory, Stores]
    public async Task Workflows_run_and_page_through_the_api_and_metrics_include_masstransit_meters(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Setting("Api__Keys__0__Name", "ops").Setting("Api__Keys__0__Key", AdminKey)
            .Orchestrator().Executor("executor", "noop", concurrency: 4));
        var (environment, orchestrator) = (cluster.Environment, cluster["orchestrator"]);
        using var client = await ClientAsync(orchestrator);

        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            using var submit = await client.PostAsJsonAsync("/api/v1/workflows", new { definition = new { name = "api-pg", nodes = new[] { new { id = "a", capability = "noop" } } } });
            Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
            ids.Add((await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        await Shapes.WaitForFinishedAsync(environment, ids.Count, TimeSpan.FromMinutes(1));
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/workflows?state=Completed&limit=3" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(ids.Order(), seen.Order());
        // The registry on PostgreSQL: concurrent PUTs of one name queue on an advisory lock and each gets its own version
        // (six used to exhaust a bounded insert-retry loop now and then).
        var puts = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.PutAsJsonAsync("/api/v1/definitions/pg-registry",
            new { nodes = new[] { new { id = "a", capability = "noop" } } })));
        Assert.All(puts, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(Enumerable.Range(1, 12), (await environment.QueryAsync("SELECT version FROM workflow_definitions ORDER BY version")).Select(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture)));
        var metrics = ExpositionFormat.Parse(await client.GetStringAsync("/metrics"));
        Assert.Equal(7, metrics.Of("sagaworkflow_workflows_completed_total").Single(s => s.Labels["definition"] == "api-pg").Value);
        Assert.Contains(metrics.Samples, s => s.Name.StartsWith("messaging_masstransit_", StringComparison.Ordinal));
    }

    [IntegrationTheory, Stores]
    public async Task A_plain_json_start_naming_a_registered_definition_runs_it_and_an_unknown_name_is_rejected(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Setting("Api__Keys__0__Name", "ops").Setting("Api__Keys__0__Key", AdminKey)
            .Orchestrator().Executor("executor", "transform", concurrency: 2));
        var (environment, orchestrator) = (cluster.Environment, cluster["orchestrator"]);
        using var client = await ClientAsync(orchestrator);
        using (var put = await client.PutAsJsonAsync("/api/v1/definitions/registered", new { nodes = new[] { new { id = "a", capability = "transform", input = new { v = 1 } } } }))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var known = Guid.NewGuid();
        var unknown = Guid.NewGuid();

        await environment.PublishAsync("workflow-submit", JsonSerializer.Serialize(new { workflowId = known, definitionName = "registered" }));
        await environment.PublishAsync("workflow-submit", JsonSerializer.Serialize(new { workflowId = unknown, definitionName = "nobody", definitionVersion = 3 }));

        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));
        Assert.Equal(["Completed", "registered", 1], (await environment.QueryAsync($"SELECT current_state, definition_name, definition_version FROM workflow_instances WHERE correlation_id = '{known}'")).Single());
        await Eventually.WaitUntilAsync(() => Task.FromResult(orchestrator.Output.Contains($"Workflow {unknown} rejected: unknown_definition: definition 'nobody' has no version 3", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), () => Task.FromResult("the unknown name was never rejected:\n" + orchestrator.Output));
        Assert.Equal(0, await environment.CountAsync($"SELECT COUNT(*) FROM workflow_instances WHERE correlation_id = '{unknown}'"));
    }

    [IntegrationTheory, Stores]
    public async Task Ready_turns_503_naming_the_database_while_it_is_unreachable_and_recovers(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator());
        var (environment, orchestrator) = (cluster.Environment, cluster["orchestrator"]);
        using var client = await ClientAsync(orchestrator);
        await WaitForReadyAsync(client, HttpStatusCode.OK);

        await environment.SetDatabaseReachableAsync(false);
        try
        {
            var down = await WaitForReadyAsync(client, HttpStatusCode.ServiceUnavailable);
            var checks = down.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
            Assert.Equal("failing", checks["database"].GetProperty("status").GetString());
            Assert.False(string.IsNullOrEmpty(checks["database"].GetProperty("detail").GetString()));
            Assert.Equal("ok", checks["bus"].GetProperty("status").GetString());
            using var health = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            await environment.SetDatabaseReachableAsync(true);
        }

        await WaitForReadyAsync(client, HttpStatusCode.OK);
    }

    private static async Task<HttpClient> ClientAsync(ServiceProcess orchestrator)
    {
        var client = new HttpClient { BaseAddress = await orchestrator.ApiUrlAsync() };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    private static async Task<JsonElement> WaitForReadyAsync(HttpClient client, HttpStatusCode expected)
    {
        JsonElement body = default;
        HttpStatusCode status = default;
        await Eventually.WaitUntilAsync(async () =>
        {
            using var response = await client.GetAsync("/ready");
            status = response.StatusCode;
            body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return status == expected;
        }, TimeSpan.FromSeconds(60), () => Task.FromResult($"/ready stayed {(int)status}: {body}"));
        return body;
    }
}
