using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SagaWorkflow.Tests.Api;

public sealed class When_operating_executors_and_health(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Health_says_alive_and_ready_lists_each_check_as_ok()
    {
        using var health = await api.Anonymous.GetAsync("/health");
        JsonElement ready = default;
        // Ready once the bus and the scheduler have started (the host is started; the scheduler may take a moment more).
        await Integration.Eventually.WaitUntilAsync(async () =>
        {
            using var response = await api.Anonymous.GetAsync("/ready");
            ready = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), () => Task.FromResult($"never ready: {ready}"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        var checks = ready.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["database"] = "ok", ["bus"] = "ok", ["scheduler"] = "ok" }, checks);
    }

    [Fact]
    public async Task The_in_process_executor_is_listed_online_with_its_capabilities()
    {
        JsonElement executors = default;
        await Integration.Eventually.WaitUntilAsync(async () =>
        {
            executors = await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors");
            return executors.GetArrayLength() == 1 && executors[0].GetProperty("state").GetString() == "Online";
        }, TimeSpan.FromSeconds(30), () => Task.FromResult($"no online executor: {executors}"));

        var capabilities = executors[0].GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("noop", capabilities);
        Assert.Contains("delay", capabilities);
        Assert.True(executors[0].GetProperty("heartbeatTimeoutMs").GetInt64() > 0);
    }

    [Fact]
    public async Task Draining_an_unknown_executor_is_404_and_a_bad_deadline_is_400()
    {
        using var unknown = await api.Admin.PostAsync("/api/v1/executors/nobody/drain", null);
        using var bad = await api.Admin.PostAsJsonAsync("/api/v1/executors/nobody/drain", new { deadline = "soonish" });

        Assert.Contains("'nobody'", (await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound)).Detail(), StringComparison.Ordinal);
        Assert.Contains("'deadline'", (await Problems.AssertProblemAsync(bad, HttpStatusCode.BadRequest)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_drain_with_a_bad_deadline_and_an_unknown_property_lists_both()
    {
        using var response = await api.Admin.PostAsJsonAsync("/api/v1/executors/nobody/drain", new { deadline = "soonish", force = true, reason = "x" });

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["force", "deadline"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("property").GetString()));
        Assert.Contains("'deadline'", problem.Detail(), StringComparison.Ordinal);
        Assert.Contains("'force'", problem.Detail(), StringComparison.Ordinal);
    }
}
