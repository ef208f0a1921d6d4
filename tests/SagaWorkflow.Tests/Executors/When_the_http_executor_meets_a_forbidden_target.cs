using System.Net;
using System.Text.Json;
using SagaWorkflow.NodeExecution;
using SagaWorkflow.NodeExecution.BuiltIn;
using SagaWorkflow.NodeExecution.Runtime;

namespace SagaWorkflow.Tests.Executors;

/// <summary>
/// The http executor's target policy: a definition must not make an executor call its own host or the cloud metadata
/// endpoint. Every refusal fails the node for good, naming the address and the setting that would allow it.
/// </summary>
public sealed class When_the_http_executor_meets_a_forbidden_target
{
    private static NodeExecutionRequest Request(string url) =>
        new(Guid.NewGuid(), "call", 1, "wf/call/1", JsonSerializer.SerializeToElement(new { url, timeout = "5s" }), new Dictionary<string, JsonElement>(), null);

    private static HttpTargetPolicy Policy(string[]? allow = null, string[]? deny = null) =>
        new(new HttpTargetOptions { Allow = [.. allow ?? []], Deny = [.. deny ?? []] });

    private static async Task<NodeExecutionResult> CallAsync(HttpTargetPolicy policy, string url)
    {
        using var executor = new HttpExecutor(policy);
        return await executor.ExecuteAsync(Request(url), CancellationToken.None);
    }

    private static void AssertRefused(NodeExecutionResult result, params string[] named)
    {
        Assert.False(result.Succeeded);
        Assert.False(result.Retryable, result.Error);
        Assert.Contains("refused", result.Error, StringComparison.Ordinal);
        foreach (var text in named)
            Assert.Contains(text, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loopback_server_is_refused_by_default_and_never_receives_the_request()
    {
        using var server = new LoopbackHttpServer(_ => (200, "secret", "text/plain"));

        var result = await CallAsync(HttpTargetPolicy.Default, server.BaseUrl);

        AssertRefused(result, "127.0.0.1", "loopback", "Executor:Http:Allow");
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local")]
    [InlineData("http://[::1]:9/", "::1", "loopback")]
    [InlineData("http://[fe80::1]:9/", "fe80::1", "link-local")]
    [InlineData("http://0.0.0.0:9/", "0.0.0.0", "'this host'")]
    [InlineData("http://[::ffff:127.0.0.1]:9/", "127.0.0.1", "loopback")]
    [InlineData("http://2130706433:9/", "127.0.0.1", "loopback")]
    [InlineData("http://0x7f.0.0.1:9/", "127.0.0.1", "loopback")]
    public async Task Metadata_link_local_and_unspecified_addresses_are_refused_by_default(string url, string address, string why)
    {
        var result = await CallAsync(HttpTargetPolicy.Default, url);

        AssertRefused(result, address, why);
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_naming_the_address()
    {
        var result = await CallAsync(HttpTargetPolicy.Default, "http://localhost:9/");

        AssertRefused(result, "localhost resolves to");
    }

    [Fact]
    public async Task A_redirect_to_a_refused_address_is_refused_at_that_hop()
    {
        using var server = new LoopbackHttpServer(request => (302, $"http://127.0.0.2:{request.Url!.Port}/inside", "text/plain"));

        var result = await CallAsync(Policy(allow: ["127.0.0.1/32"]), server.BaseUrl);

        AssertRefused(result, "127.0.0.2", "Executor:Http:Allow");
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task An_allowed_loopback_server_is_called_and_a_configured_deny_beats_an_equally_wide_allow()
    {
        using var server = new LoopbackHttpServer(_ => (200, "ok", "text/plain"));

        var allowed = await CallAsync(Policy(allow: ["127.0.0.1"]), server.BaseUrl);
        var denied = await CallAsync(Policy(allow: ["127.0.0.0/8"], deny: ["127.0.0.0/8"]), server.BaseUrl);

        Assert.True(allowed.Succeeded, allowed.Error);
        AssertRefused(denied, "127.0.0.1", "Executor:Http:Deny");
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("10.1.2.3", new[] { "10.0.0.0/8" }, new[] { "10.1.0.0/16" }, false)]
    [InlineData("10.2.0.1", new[] { "10.0.0.0/8" }, new[] { "10.1.0.0/16" }, true)]
    [InlineData("169.254.169.254", new string[0], new[] { "0.0.0.0/0" }, true)]
    [InlineData("93.184.215.14", new[] { "0.0.0.0/0" }, new[] { "10.0.0.0/8" }, true)]
    [InlineData("10.9.9.9", new[] { "0.0.0.0/0" }, new[] { "10.0.0.0/8" }, false)]
    [InlineData("93.184.215.14", new string[0], new string[0], false)]
    [InlineData("::ffff:169.254.169.254", new string[0], new string[0], true)]
    public void The_most_specific_range_decides(string address, string[] deny, string[] allow, bool refused)
    {
        var policy = Policy(allow, deny);

        Assert.Equal(refused, policy.Refusal(IPAddress.Parse(address)) is not null);
    }

    [Fact]
    public void A_bad_entry_fails_the_start_naming_its_key()
    {
        var options = new ExecutorOptions { Http = new HttpTargetOptions { Allow = ["10.0.0.0/8", "127.0.0.1/8"], Deny = ["metadata", "10"] } };

        var result = new ExecutorOptionsValidator([]).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Executor:Http:Allow:1 is '127.0.0.1/8'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Executor:Http:Deny:0 is 'metadata'", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Executor:Http:Deny:1 is '10'", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Allow:0", result.FailureMessage, StringComparison.Ordinal);
    }
}
