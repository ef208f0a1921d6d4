using System.Net;
using SagaWorkflow.Orchestrator.Api;

namespace SagaWorkflow.Tests.Api;

/// <summary>A host with <c>Api:ReadsRequireKey</c>: every /api read needs a key of either role; health and metrics stay open.</summary>
public sealed class LockedApiHost : ApiHost
{
    protected override bool ReadsRequireKey => true;
}

public sealed class When_reads_require_a_key(LockedApiHost api) : IClassFixture<LockedApiHost>
{
    [Theory]
    [InlineData("/api/v1/workflows")]
    [InlineData("/api/v1/executors")]
    [InlineData("/api/v1/definitions")]
    [InlineData("/api/v1/schedules")]
    public async Task An_anonymous_read_is_401_and_either_key_may_read(string path)
    {
        using var anonymous = await api.Anonymous.GetAsync(path);
        using var reader = await api.Reader.GetAsync(path);
        using var admin = await api.Admin.GetAsync(path);

        await Problems.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, reader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task Probes_and_metrics_stay_open_for_load_balancers_and_scrapers()
    {
        using var health = await api.Anonymous.GetAsync("/health");
        using var metrics = await api.Anonymous.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }
}

public sealed class When_api_settings_are_read
{
    [Fact]
    public void By_default_the_api_listens_on_loopback_only_and_needs_keys_for_changes()
    {
        var defaults = new ApiOptions();

        Assert.StartsWith("http://127.0.0.1:", defaults.Urls, StringComparison.Ordinal);
        Assert.Empty(defaults.Keys);
        Assert.False(defaults.ReadsRequireKey);
        Assert.Empty(ApiHosting.ApiOptionsProblems(defaults));
    }

    [Fact]
    public void Every_bad_setting_is_named_at_once()
    {
        var options = new ApiOptions
        {
            Urls = "not a url",
            MaxRequestBytes = 0,
            Keys = [new ApiKeyOptions { Name = "", Key = "short", Role = "root" }],
        };

        var problems = ApiHosting.ApiOptionsProblems(options).ToList();

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Api:Keys:0:Key must be at least 16", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Api:Keys:0:Role must be 'admin' or 'read'; got 'root'", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("short", StringComparison.Ordinal));
    }
}
