using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SagaWorkflow.Tests.Api;

public sealed class When_registering_definitions(ApiHost api) : IClassFixture<ApiHost>
{
    private static object Body(int ms) => new { nodes = new object[] { new { id = "wait", capability = "delay", input = new { ms } } } };

    [Fact]
    public async Task Each_put_stores_a_new_immutable_version_and_the_registry_lists_them()
    {
        var name = Unique("orders");

        using var first = await api.Admin.PutAsJsonAsync($"/api/v1/definitions/{name}", Body(1));
        using var second = await api.Admin.PutAsJsonAsync($"/api/v1/definitions/{name}", new { name, version = 40, nodes = new object[] { new { id = "wait", capability = "delay", input = new { ms = 2 } } } });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal($"/api/v1/definitions/{name}/2", second.Headers.Location?.ToString());
        Assert.Equal("ops", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("createdBy").GetString());
        var latest = await api.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/definitions/{name}");
        Assert.Equal(2, latest.GetProperty("latestVersion").GetInt32());
        Assert.Equal(2, latest.GetProperty("definition").GetProperty("version").GetInt32());
        Assert.Equal([1, 2], latest.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        var v1 = await api.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/definitions/{name}/1");
        Assert.Equal(1, v1.GetProperty("definition").GetProperty("nodes")[0].GetProperty("input").GetProperty("ms").GetInt32());
        var all = await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/definitions");
        Assert.Contains(all.EnumerateArray(), d => d.GetProperty("name").GetString() == name && d.GetProperty("versions").GetInt32() == 2);
    }

    [Fact]
    public async Task Concurrent_puts_get_distinct_versions()
    {
        var name = Unique("busy");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => api.Admin.PutAsJsonAsync($"/api/v1/definitions/{name}", Body(i))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var versions = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32()));
        Assert.Equal(Enumerable.Range(1, 8), versions.Order());
        foreach (var response in responses)
            response.Dispose();
    }

    [Fact]
    public async Task An_invalid_or_misnamed_definition_is_rejected_and_not_stored()
    {
        var name = Unique("bad");

        using var invalid = await api.Admin.PutAsJsonAsync($"/api/v1/definitions/{name}", new { nodes = new object[] { new { id = "a", capability = "NOT VALID" } } });
        using var misnamed = await api.Admin.PutAsJsonAsync($"/api/v1/definitions/{name}", new { name = "other", nodes = Array.Empty<object>() });
        using var readOnly = await api.Reader.PutAsJsonAsync($"/api/v1/definitions/{name}", Body(1));

        var problem = await Problems.AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("code").GetString() == "invalid_capability");
        Assert.Contains("differs from the path", (await Problems.AssertProblemAsync(misnamed, HttpStatusCode.BadRequest)).Detail(), StringComparison.Ordinal);
        await Problems.AssertProblemAsync(readOnly, HttpStatusCode.Forbidden);
        using var lookup = await api.Anonymous.GetAsync($"/api/v1/definitions/{name}");
        await Problems.AssertProblemAsync(lookup, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_definition_over_the_request_limit_is_refused_with_413_and_not_stored()
    {
        var name = Unique("huge");
        var input = new { blob = new string('x', 70_000) };

        using var response = await api.Admin.PutAsJsonAsync($"/api/v1/definitions/{name}", new { nodes = new object[] { new { id = "a", capability = "noop", input } } });

        await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        using var lookup = await api.Anonymous.GetAsync($"/api/v1/definitions/{name}");
        await Problems.AssertProblemAsync(lookup, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_submit_by_name_runs_the_latest_or_the_named_version()
    {
        var name = Unique("by-name");
        (await api.Admin.PutAsJsonAsync($"/api/v1/definitions/{name}", Body(1))).Dispose();
        (await api.Admin.PutAsJsonAsync($"/api/v1/definitions/{name}", Body(2))).Dispose();

        var latest = await SubmitAsync(new { definitionName = name });
        var pinned = await SubmitAsync(new { definitionName = name, definitionVersion = 1 });

        Assert.Equal(2, (await api.WaitForStateAsync(latest, "Completed")).GetProperty("definitionVersion").GetInt32());
        var first = await api.WaitForStateAsync(pinned, "Completed");
        Assert.Equal(1, first.GetProperty("definitionVersion").GetInt32());
        Assert.Equal(1, first.GetProperty("nodes")[0].GetProperty("output").GetProperty("waitedMs").GetInt32());
        using var unknown = await api.Admin.PostAsJsonAsync("/api/v1/workflows", new { definitionName = Unique("nobody") });
        await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        using var missingVersion = await api.Admin.PostAsJsonAsync("/api/v1/workflows", new { definitionName = name, definitionVersion = 9 });
        Assert.Contains("has no version 9", (await Problems.AssertProblemAsync(missingVersion, HttpStatusCode.NotFound)).Detail(), StringComparison.Ordinal);
        using var both = await api.Admin.PostAsJsonAsync("/api/v1/workflows", new { definitionName = name, definition = Definitions.Noop() });
        await Problems.AssertProblemAsync(both, HttpStatusCode.BadRequest);
    }

    private async Task<Guid> SubmitAsync(object body)
    {
        using var response = await api.Admin.PostAsJsonAsync("/api/v1/workflows", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..6];
}
