using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Executors;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Tests.Api;

/// <summary>
/// Its own host: the tests change the in-process executor's capacity (configured 8, no Executor:MaxConcurrency, so 8 is
/// also its ceiling). Under load, on RabbitMQ and both stores: Integration/When_an_executor_capacity_changes_under_load.
/// </summary>
public sealed class When_changing_an_executor_capacity(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_executor_applies_it_at_once_and_its_heartbeats_carry_it_to_the_registry()
    {
        var id = await OnlineExecutorAsync();

        // Other tests of this class change it too: the first answer's previous value is whatever they left.
        using var first = await api.Admin.PutAsJsonAsync($"/api/v1/executors/{id}/capacity", new { concurrency = 3 });
        using var response = await api.Admin.PutAsJsonAsync($"/api/v1/executors/{id}/capacity", new { concurrency = 2 });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, answer.GetProperty("concurrency").GetInt32());
        Assert.Equal(3, answer.GetProperty("previous").GetInt32());
        Assert.Equal(8, answer.GetProperty("maxConcurrency").GetInt32());
        await RegistryShowsAsync(id, 2);
    }

    [Fact]
    public async Task The_cli_changes_it_and_prints_the_old_and_new_value()
    {
        var id = await OnlineExecutorAsync();

        var (exit, output, errors) = await When_draining_from_the_cli.SagaflowAsync(api, "executor", "capacity", id, "5");

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}: {errors}");
        Assert.Matches($@"^executor {System.Text.RegularExpressions.Regex.Escape(id)}: concurrency \d+ -> 5 per queue \(at most 8\); \d+ attempt\(s\) in flight", output);
        await RegistryShowsAsync(id, 5);
        var (_, table, _) = await When_draining_from_the_cli.SagaflowAsync(api, "executors");
        Assert.Contains("CONCURRENCY", table, StringComparison.Ordinal);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(id)}\s+Online\s+\d+\s+5\s", table);
    }

    [Theory]
    [InlineData("{}", "'concurrency' is required")]
    [InlineData("""{"concurrency":0}""", "from 1 to 1000; got 0")]
    [InlineData("""{"concurrency":1001}""", "from 1 to 1000; got 1001")]
    [InlineData("""{"concurrency":2.5}""", "whole number")]
    [InlineData("""{"concurrency":"16"}""", "whole number")]
    [InlineData("""{"concurrency":4,"prefetch":4}""", "Unknown property 'prefetch'")]
    public async Task A_bad_body_is_refused_naming_what_is_wrong(string body, string expected)
    {
        var id = await OnlineExecutorAsync();

        using var response = await api.Admin.PutAsync($"/api/v1/executors/{id}/capacity", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Above_the_executors_ceiling_it_refuses_naming_the_setting()
    {
        var id = await OnlineExecutorAsync();

        using var response = await api.Admin.PutAsJsonAsync($"/api/v1/executors/{id}/capacity", new { concurrency = 9 });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Executor:MaxConcurrency", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_executor_is_404_and_one_not_online_409()
    {
        using (var scope = api.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
            db.Executors.Add(new ExecutorState
            {
                CorrelationId = ExecutorIdentity.CorrelationIdFor("gone-1"), ExecutorId = "gone-1", CurrentState = "Lost", FirstSeenAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        using var unknown = await api.Admin.PutAsJsonAsync("/api/v1/executors/nobody/capacity", new { concurrency = 4 });
        using var lost = await api.Admin.PutAsJsonAsync("/api/v1/executors/gone-1/capacity", new { concurrency = 4 });
        using var anonymous = await api.Anonymous.PutAsJsonAsync("/api/v1/executors/gone-1/capacity", new { concurrency = 4 });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, lost.StatusCode);
        Assert.Contains("is Lost; only an Online executor", await lost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task An_online_executor_that_does_not_answer_is_504_saying_the_change_is_uncertain()
    {
        // A registry row no process stands behind (as one frozen since its last heartbeat looks until it times out).
        using (var scope = api.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WorkflowDbContext>();
            db.Executors.Add(new ExecutorState
            {
                CorrelationId = ExecutorIdentity.CorrelationIdFor("silent-1"), ExecutorId = "silent-1", CurrentState = "Online", FirstSeenAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        using var response = await api.Admin.PutAsJsonAsync("/api/v1/executors/silent-1/capacity", new { concurrency = 4 });

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("did not answer the capacity change within 5 s", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task RegistryShowsAsync(string id, int concurrency)
    {
        JsonElement row = default;
        await Integration.Eventually.WaitUntilAsync(async () =>
        {
            row = (await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors")).EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
            return row.GetProperty("concurrency").GetInt32() == concurrency;
        }, TimeSpan.FromSeconds(30), () => Task.FromResult($"the registry never showed {concurrency}: {row}"));
    }

    private async Task<string> OnlineExecutorAsync()
    {
        JsonElement online = default;
        await Integration.Eventually.WaitUntilAsync(async () =>
        {
            var executors = await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors");
            // The in-process executor heartbeats; rows the tests write (gone-1, silent-1) never did.
            online = executors.EnumerateArray().FirstOrDefault(e => e.GetProperty("state").GetString() == "Online"
                && e.GetProperty("lastHeartbeatAt").ValueKind == JsonValueKind.String);
            return online.ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromSeconds(30), () => Task.FromResult("no online executor"));
        return online.GetProperty("id").GetString()!;
    }
}
