using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SagaWorkflow.Tests.Api;

public sealed class When_listing_workflows(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Paging_through_while_workflows_are_being_added_returns_every_earlier_one_exactly_once()
    {
        var definition = "api-paging-" + Guid.NewGuid().ToString("N")[..6];
        var existing = new List<Guid>();
        for (var i = 0; i < 12; i++)
            existing.Add(await api.SubmitAsync(Definitions.Noop(definition)));
        await Integration.Eventually.WaitUntilAsync(async () => (await ListAsync($"definition={definition}&limit=500")).Items.Count == 12,
            TimeSpan.FromSeconds(60), () => Task.FromResult("the 12 workflows never all appeared"));

        var seen = new List<Guid>();
        var inserts = new List<Task<Guid>>();
        string? cursor = null;
        do
        {
            // Newer workflows arrive between pages; keyset paging (newest first) must neither repeat nor skip older rows.
            inserts.Add(api.SubmitAsync(Definitions.Noop(definition)));
            var page = await ListAsync($"definition={definition}&limit=5" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.Items);
            cursor = page.Next;
        }
        while (cursor is not null);
        await Task.WhenAll(inserts);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(existing.Except(seen));
    }

    [Fact]
    public async Task Filters_narrow_the_list_by_state_definition_and_time()
    {
        var definition = "api-filter-" + Guid.NewGuid().ToString("N")[..6];
        var before = DateTime.UtcNow.AddSeconds(-1);
        var id = await api.SubmitAsync(Definitions.Noop(definition));
        await api.WaitForStateAsync(id, "Completed");

        Assert.Equal([id], (await ListAsync($"definition={definition}&state=completed")).Items);
        Assert.Empty((await ListAsync($"definition={definition}&state=Failed")).Items);
        Assert.Equal([id], (await ListAsync($"definition={definition}&since={before:O}")).Items);
        Assert.Empty((await ListAsync($"definition={definition}&since={DateTime.UtcNow.AddMinutes(5):O}")).Items);
    }

    [Fact]
    public async Task Every_bad_query_parameter_is_named_in_one_answer()
    {
        using var response = await api.Anonymous.GetAsync("/api/v1/workflows?state=Sleeping&limit=0&since=yesterday&cursor=%%%");

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var parameters = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("parameter").GetString()).ToList();
        Assert.Equal(["state", "since", "limit", "cursor"], parameters);
    }

    private async Task<(List<Guid> Items, string? Next)> ListAsync(string query)
    {
        var page = await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/workflows?" + query);
        var next = page.GetProperty("nextCursor");
        return (page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList(),
            next.ValueKind == JsonValueKind.String ? Uri.EscapeDataString(next.GetString()!) : null);
    }
}
