using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SagaWorkflow.Tests.Executors;

namespace SagaWorkflow.Tests.Api;

public sealed class When_pausing_resuming_and_retrying_workflows(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_paused_workflow_lets_its_running_node_finish_dispatches_nothing_new_and_resume_continues_it()
    {
        var id = await api.SubmitAsync(new
        {
            name = "api-pause",
            nodes = new object[]
            {
                new { id = "first", capability = "delay", input = new { ms = 1500 } },
                new { id = "second", capability = "noop", dependsOn = new[] { "first" } },
            },
        });
        await api.WaitForNodeAsync(id, "first", "running");

        using var pause = await api.Admin.PostAsync($"/api/v1/workflows/{id}/pause", null);

        Assert.Equal(HttpStatusCode.Accepted, pause.StatusCode);
        // The running node finishes; the node it releases is not dispatched (same transaction as the result, so no race).
        var paused = await api.WaitForNodeAsync(id, "first", "succeeded");
        Assert.Equal("Paused", paused.GetProperty("state").GetString());
        Assert.Equal("pending", ApiHost.Node(paused, "second").GetProperty("state").GetString());
        using var pauseAgain = await api.Admin.PostAsync($"/api/v1/workflows/{id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, pauseAgain.StatusCode);

        using var resume = await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{id}/resume", new { reason = "after the check" });

        Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        var done = await api.WaitForStateAsync(id, "Completed");
        Assert.Equal("succeeded", ApiHost.Node(done, "second").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Retrying_a_failed_workflow_reruns_the_failed_node_and_its_dependants_and_keeps_succeeded_ones()
    {
        var healthy = false;
        using var service = new LoopbackHttpServer(_ => healthy ? (200, "{\"ok\":true}", "application/json") : (500, "down", "text/plain"));
        var id = await api.SubmitAsync(new
        {
            name = "api-retry",
            nodes = new object[]
            {
                new { id = "prepare", capability = "transform", input = (object)new { order = 7 } },
                new { id = "call", capability = "http", input = (object)new { method = "GET", url = service.BaseUrl }, dependsOn = new[] { "prepare" } },
                new { id = "after", capability = "noop", input = (object)new { }, dependsOn = new[] { "call" } },
            },
        });
        var failed = await api.WaitForStateAsync(id, "Failed");
        Assert.Equal("skipped", ApiHost.Node(failed, "after").GetProperty("state").GetString());
        var prepareFinished = ApiHost.Node(failed, "prepare").GetProperty("finishedAt").GetDateTime();
        using var early = await api.Admin.PostAsync($"/api/v1/workflows/{Guid.NewGuid()}/retry", null);
        await Problems.AssertProblemAsync(early, HttpStatusCode.NotFound);

        healthy = true;
        using var retry = await api.Admin.PostAsync($"/api/v1/workflows/{id}/retry", null);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var done = await api.WaitForStateAsync(id, "Completed");
        Assert.Equal(1, ApiHost.Node(done, "prepare").GetProperty("attempt").GetInt32());
        Assert.Equal(prepareFinished, ApiHost.Node(done, "prepare").GetProperty("finishedAt").GetDateTime());
        Assert.Equal(2, ApiHost.Node(done, "call").GetProperty("attempt").GetInt32());
        Assert.Equal("succeeded", ApiHost.Node(done, "after").GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("failureReason").ValueKind);
        var attempts = (await api.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/{id}/attempts")).GetProperty("attempts").EnumerateArray()
            .Where(a => a.GetProperty("node").GetString() == "call").Select(a => (a.GetProperty("attempt").GetInt32(), a.GetProperty("outcome").GetString())).ToList();
        Assert.Equal([(1, "failed"), (2, "succeeded")], attempts);
        using var unknownAttempts = await api.Anonymous.GetAsync($"/api/v1/workflows/{Guid.NewGuid()}/attempts");
        await Problems.AssertProblemAsync(unknownAttempts, HttpStatusCode.NotFound);
        using var again = await api.Admin.PostAsync($"/api/v1/workflows/{id}/retry", null);
        Assert.Contains("is Completed", (await Problems.AssertProblemAsync(again, HttpStatusCode.Conflict)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resuming_a_running_workflow_changes_nothing_and_pausing_a_finished_one_is_409()
    {
        var id = await api.SubmitAsync(Definitions.Noop("api-pause-finished"));
        await api.WaitForStateAsync(id, "Completed");

        using var pause = await api.Admin.PostAsync($"/api/v1/workflows/{id}/pause", null);

        Assert.Contains("pause applies to a workflow that is Running", (await Problems.AssertProblemAsync(pause, HttpStatusCode.Conflict)).Detail(), StringComparison.Ordinal);
    }
}
