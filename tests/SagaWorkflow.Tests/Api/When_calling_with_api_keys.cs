using System.Net;
using System.Net.Http.Json;

namespace SagaWorkflow.Tests.Api;

public sealed class When_calling_with_api_keys(ApiHost api) : IClassFixture<ApiHost>
{
    private static object Submit => new { definition = Definitions.Noop("api-auth") };

    [Fact]
    public async Task A_mutation_without_a_key_is_401_and_names_both_ways_to_send_one()
    {
        using var response = await api.Anonymous.PostAsJsonAsync("/api/v1/workflows", Submit);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("Authorization: Bearer", problem.Detail(), StringComparison.Ordinal);
        Assert.Contains("X-Api-Key", problem.Detail(), StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_wrong_key_is_401_without_echoing_it()
    {
        using var client = new HttpClient { BaseAddress = api.Anonymous.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", "guessed-key-0000000000");

        using var response = await client.PostAsJsonAsync("/api/v1/workflows", Submit);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.DoesNotContain("guessed-key", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_key_may_read_but_a_mutation_with_it_is_403()
    {
        using var read = await api.Reader.GetAsync("/api/v1/workflows");
        using var mutate = await api.Reader.PostAsJsonAsync("/api/v1/workflows", Submit);
        using var drain = await api.Reader.PostAsync("/api/v1/executors/anyone/drain", null);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var problem = await Problems.AssertProblemAsync(mutate, HttpStatusCode.Forbidden);
        Assert.Contains("'dashboard'", problem.Detail(), StringComparison.Ordinal);
        Assert.DoesNotContain(ApiHost.ReadKey, problem.ToString(), StringComparison.Ordinal);
        await Problems.AssertProblemAsync(drain, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Reads_are_open_by_default_and_the_admin_key_works_as_bearer()
    {
        using var anonymousRead = await api.Anonymous.GetAsync("/api/v1/executors");
        using var submit = await api.Admin.PostAsJsonAsync("/api/v1/workflows", Submit);

        Assert.Equal(HttpStatusCode.OK, anonymousRead.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
    }
}
