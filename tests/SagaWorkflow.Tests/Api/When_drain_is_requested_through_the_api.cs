using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SagaWorkflow.Tests.Api;

/// <summary>Its own host: draining stops the in-process executor, which the other API tests need running.</summary>
public sealed class When_drain_is_requested_through_the_api(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_executor_drains_and_the_registry_shows_it()
    {
        var id = await OnlineExecutorAsync();

        using var drain = await api.Admin.PostAsJsonAsync($"/api/v1/executors/{id}/drain", new { deadline = "30s", reason = "maintenance" });

        Assert.Equal(HttpStatusCode.Accepted, drain.StatusCode);
        JsonElement executor = default;
        await Integration.Eventually.WaitUntilAsync(async () =>
        {
            executor = (await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors"))[0];
            return executor.GetProperty("drainedAt").ValueKind == JsonValueKind.String;
        }, TimeSpan.FromSeconds(30), () => Task.FromResult($"never drained: {executor}"));
        Assert.Equal(JsonValueKind.String, executor.GetProperty("drainRequestedAt").ValueKind);
    }

    private async Task<string> OnlineExecutorAsync()
    {
        JsonElement executors = default;
        await Integration.Eventually.WaitUntilAsync(async () =>
        {
            executors = await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors");
            return executors.GetArrayLength() == 1 && executors[0].GetProperty("state").GetString() == "Online";
        }, TimeSpan.FromSeconds(30), () => Task.FromResult($"no online executor: {executors}"));
        return executors[0].GetProperty("id").GetString()!;
    }
}
