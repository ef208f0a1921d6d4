using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SagaWorkflow.Tests.Api;

public sealed class When_submitting_and_reading_workflows(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_submitted_workflow_is_accepted_with_its_location_and_shows_every_node_once_done()
    {
        using var response = await api.Admin.PostAsJsonAsync("/api/v1/workflows", new { definition = Definitions.Chain(), input = new { order = 7 } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/workflows/{id}", response.Headers.Location?.ToString());
        var view = await api.WaitForStateAsync(id, "Completed");
        Assert.Equal("api-chain", view.GetProperty("definition").GetString());
        Assert.Equal("api", view.GetProperty("trigger").GetString());
        Assert.Equal(7, view.GetProperty("input").GetProperty("order").GetInt32());
        var nodes = view.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["a", "b"], nodes.Select(n => n.GetProperty("id").GetString()));
        Assert.All(nodes, n =>
        {
            Assert.Equal("succeeded", n.GetProperty("state").GetString());
            Assert.Equal(1, n.GetProperty("attempt").GetInt32());
            Assert.False(string.IsNullOrEmpty(n.GetProperty("executorId").GetString()));
            Assert.Equal(JsonValueKind.String, n.GetProperty("startedAt").ValueKind);
        });
        Assert.Equal(50, nodes[1].GetProperty("output").GetProperty("waitedMs").GetInt32());
    }

    [Fact]
    public async Task Submitting_twice_with_one_client_chosen_id_starts_one_workflow()
    {
        var id = Guid.NewGuid();
        await api.SubmitAsync(Definitions.Noop("api-idempotent"), id: id);
        await api.WaitForStateAsync(id, "Completed");

        using var again = await api.Admin.PostAsJsonAsync("/api/v1/workflows", new { id, definition = Definitions.Noop("api-idempotent") });

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("exists", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var page = await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/workflows?definition=api-idempotent");
        Assert.Single(page.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_invalid_definition_is_rejected_with_every_problem_listed_and_nothing_stored()
    {
        var id = Guid.NewGuid();
        var definition = new { name = "", nodes = new object[] { new { id = "a", capability = "noop", dependsOn = new[] { "missing" } }, new { id = "a", capability = "noop" } } };

        using var response = await api.Admin.PostAsJsonAsync("/api/v1/workflows", new { id, definition });

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var codes = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()).ToList();
        Assert.Contains("missing_name", codes);
        Assert.Contains("unknown_dependency", codes);
        Assert.Contains("duplicate_id", codes);
        using var lookup = await api.Anonymous.GetAsync($"/api/v1/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Theory]
    [InlineData("{\"definition\":", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{\"definitoin\":{}}", "Unknown property 'definitoin'")]
    [InlineData("{\"input\":{}}", "Give exactly one of 'definition'")]
    [InlineData("{\"id\":\"nope\",\"definition\":{}}", "'id' must be a non-empty GUID")]
    public async Task A_malformed_submit_gets_a_problem_that_says_what_is_wrong(string body, string expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await api.Admin.PostAsync("/api/v1/workflows", content);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_submit_with_several_problems_lists_each_of_them_in_one_answer()
    {
        using var content = new StringContent("""{"id": "nope", "colour": "red", "shade": 2, "definition": {"name": "", "nodes": []}}""",
            Encoding.UTF8, "application/json");

        using var response = await api.Admin.PostAsync("/api/v1/workflows", content);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(["colour", "shade", "id"], errors.Select(e => e.GetProperty("property").GetString()).Where(p => p != "definition"));
        Assert.Contains(errors, e => e.GetProperty("property").GetString() == "definition" && e.GetProperty("code").GetString() == "missing_name");
        Assert.Contains("Unknown property 'shade'", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_control_verb_with_an_unknown_property_and_a_bad_reason_lists_both()
    {
        using var response = await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{Guid.NewGuid()}/cancel", new { reason = 5, why = "tidy" });

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["why", "reason"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("property").GetString()));
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_before_it_is_read()
    {
        var padding = new string('x', 70_000);
        using var content = new StringContent($$"""{"definition":{"name":"big","nodes":[]},"input":"{{padding}}"}""", Encoding.UTF8, "application/json");

        using var response = await api.Admin.PostAsync("/api/v1/workflows", content);

        await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_415()
    {
        using var content = new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await api.Admin.PostAsync("/api/v1/workflows", content);

        await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Unknown_ids_routes_and_malformed_ids_answer_as_problems()
    {
        using var unknown = await api.Anonymous.GetAsync($"/api/v1/workflows/{Guid.NewGuid()}");
        using var malformed = await api.Anonymous.GetAsync("/api/v1/workflows/not-a-guid");
        using var route = await api.Anonymous.GetAsync("/api/v1/nothing-here");

        Assert.Contains("No workflow", (await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound)).Detail(), StringComparison.Ordinal);
        Assert.Contains("is not a workflow id", (await Problems.AssertProblemAsync(malformed, HttpStatusCode.BadRequest)).Detail(), StringComparison.Ordinal);
        await Problems.AssertProblemAsync(route, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_running_workflow_is_cancelled_and_a_finished_one_cannot_be()
    {
        var id = await api.SubmitAsync(Definitions.Slow());
        await Eventually(async () => (await api.WorkflowAsync(id)) is { ValueKind: JsonValueKind.Object } view
            && view.GetProperty("nodes")[0].GetProperty("state").GetString() == "running");

        using var cancel = await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{id}/cancel", new { reason = "test says stop" });

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var view = await api.WaitForStateAsync(id, "Cancelled");
        Assert.Contains("test says stop", view.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        Assert.Equal("cancelled", view.GetProperty("nodes")[0].GetProperty("state").GetString());
        using var again = await api.Admin.PostAsync($"/api/v1/workflows/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("already Cancelled", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var done = await api.SubmitAsync(Definitions.Noop("api-cancel-done"));
        await api.WaitForStateAsync(done, "Completed");
        using var finished = await api.Admin.PostAsync($"/api/v1/workflows/{done}/cancel", null);
        Assert.Contains("is Completed", (await Problems.AssertProblemAsync(finished, HttpStatusCode.Conflict)).Detail(), StringComparison.Ordinal);
        using var unknown = await api.Admin.PostAsync($"/api/v1/workflows/{Guid.NewGuid()}/cancel", null);
        await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    private static Task Eventually(Func<Task<bool>> condition) =>
        Integration.Eventually.WaitUntilAsync(condition, TimeSpan.FromSeconds(60), () => Task.FromResult("condition never held"));
}
