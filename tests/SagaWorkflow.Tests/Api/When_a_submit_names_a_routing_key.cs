using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SagaWorkflow.Tests.Api;

/// <summary>A submit whose definition routes by a path into the input is checked against that input before anything starts.</summary>
public sealed class When_a_submit_names_a_routing_key(ApiHost api) : IClassFixture<ApiHost>
{
    private static readonly object ByCustomer = new
    {
        name = "api-sticky",
        routingKey = "$.customerId",
        nodes = new object[] { new { id = "load", capability = "noop" }, new { id = "mail", capability = "noop", routingKey = "mail", dependsOn = new[] { "load" } } },
    };

    [Fact]
    public async Task An_input_without_the_key_is_a_400_naming_node_and_path_and_starts_nothing()
    {
        var id = Guid.NewGuid();

        using var response = await api.Admin.PostAsJsonAsync("/api/v1/workflows", new { id, definition = ByCustomer, input = new { customer = "c-42" } });

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("unresolved_routing_key", error.GetProperty("code").GetString());
        Assert.Equal("load", error.GetProperty("node").GetString());
        Assert.Equal("routingKey $.customerId: the workflow input has no value at $.customerId", error.GetProperty("message").GetString());
        using var lookup = await api.Anonymous.GetAsync($"/api/v1/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task An_input_with_the_key_runs_and_local_mode_routes_it_like_any_node()
    {
        using var response = await api.Admin.PostAsJsonAsync("/api/v1/workflows", new { definition = ByCustomer, input = new { customerId = 42 } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await api.WaitForStateAsync(id, "Completed");
    }
}
