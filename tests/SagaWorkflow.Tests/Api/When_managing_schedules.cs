using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SagaWorkflow.Tests.Api;

public sealed class When_managing_schedules(ApiHost api) : IClassFixture<ApiHost>
{
    private static object Schedule(string id, string cron = "* * * * * ?", string timeZone = "UTC") => new
    {
        id, cron, timeZone, workflow = Definitions.Noop("api-cron-" + id),
    };

    [Fact]
    public async Task A_schedule_is_created_fires_into_its_ledger_pauses_resumes_and_is_deleted()
    {
        var id = "every-second-" + Guid.NewGuid().ToString("N")[..6];

        using var create = await api.Admin.PostAsJsonAsync("/api/v1/schedules", Schedule(id));
        using var duplicate = await api.Admin.PostAsJsonAsync("/api/v1/schedules", Schedule(id));

        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        await Problems.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
        var listed = (await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/schedules")).EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        Assert.Equal(JsonValueKind.String, listed.GetProperty("nextFireTime").ValueKind);
        JsonElement fires = default;
        await Integration.Eventually.WaitUntilAsync(async () =>
        {
            fires = (await api.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{id}/fires")).GetProperty("fires");
            return fires.EnumerateArray().Any(f => f.GetProperty("outcome").GetString() == "fired");
        }, TimeSpan.FromSeconds(30), () => Task.FromResult($"no fire recorded: {fires}"));
        var workflow = fires.EnumerateArray().First(f => f.GetProperty("outcome").GetString() == "fired").GetProperty("workflowId").GetGuid();
        Assert.Equal("cron", (await api.WaitForStateAsync(workflow, "Completed")).GetProperty("trigger").GetString());

        using var pause = await api.Admin.PostAsync($"/api/v1/schedules/{id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        Assert.Equal("Paused", (await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/schedules")).EnumerateArray()
            .Single(s => s.GetProperty("id").GetString() == id).GetProperty("state").GetString());
        using var resume = await api.Admin.PostAsync($"/api/v1/schedules/{id}/resume", null);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        using var delete = await api.Admin.DeleteAsync($"/api/v1/schedules/{id}");
        using var deleteAgain = await api.Admin.DeleteAsync($"/api/v1/schedules/{id}");

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        await Problems.AssertProblemAsync(deleteAgain, HttpStatusCode.NotFound);
        Assert.DoesNotContain((await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/schedules")).EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        Assert.NotEmpty((await api.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{id}/fires")).GetProperty("fires").EnumerateArray());
    }

    [Fact]
    public async Task An_invalid_schedule_is_refused_with_every_problem_and_nothing_is_stored()
    {
        var id = "broken-" + Guid.NewGuid().ToString("N")[..6];

        using var invalid = await api.Admin.PostAsJsonAsync("/api/v1/schedules", Schedule(id, cron: "every minute", timeZone: "Mars/Olympus"));
        using var unknownField = await api.Admin.PostAsJsonAsync("/api/v1/schedules", new { id, cron = "0 * * * * ?", every = "minute" });
        using var readOnly = await api.Reader.PostAsJsonAsync("/api/v1/schedules", Schedule(id));

        var problem = await Problems.AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").GetArrayLength() >= 2, problem.ToString());
        Assert.Contains("every", (await Problems.AssertProblemAsync(unknownField, HttpStatusCode.BadRequest)).Detail(), StringComparison.Ordinal);
        await Problems.AssertProblemAsync(readOnly, HttpStatusCode.Forbidden);
        Assert.DoesNotContain((await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/schedules")).EnumerateArray(), s => s.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task The_fires_of_an_unknown_id_are_404_and_of_a_schedule_that_never_fired_an_empty_list()
    {
        var id = "nightly-" + Guid.NewGuid().ToString("N")[..6];
        using var create = await api.Admin.PostAsJsonAsync("/api/v1/schedules", Schedule(id, cron: "0 0 2 * * ?"));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);

        using var unknown = await api.Anonymous.GetAsync($"/api/v1/schedules/{id}-typo/fires");
        var none = await api.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{id}/fires");

        Assert.Contains($"'{id}-typo'", (await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound)).Detail(), StringComparison.Ordinal);
        Assert.Empty(none.GetProperty("fires").EnumerateArray());
        (await api.Admin.DeleteAsync($"/api/v1/schedules/{id}")).Dispose();
    }
}
