using System.Text.Json;
using SagaWorkflow.NodeExecution;
using SagaWorkflow.NodeExecution.BuiltIn;

namespace SagaWorkflow.Tests.Executors;

public sealed class When_the_http_executor_calls_a_service
{
    // The test server listens on loopback, which the executor refuses unless it is allowed explicitly.
    private static readonly HttpTargetPolicy LoopbackAllowed = new(new HttpTargetOptions { Allow = ["127.0.0.0/8"] });

    private static NodeExecutionRequest Request(object input, string executionId = "wf/node/3") =>
        new(Guid.NewGuid(), "node", 3, executionId, JsonSerializer.SerializeToElement(input), new Dictionary<string, JsonElement>(), null);

    [Fact]
    public async Task A_2xx_answer_succeeds_with_status_and_parsed_json_body()
    {
        using var server = new LoopbackHttpServer(_ => (201, """{"id":7}""", "application/json"));
        using var executor = new HttpExecutor(LoopbackAllowed);

        var result = await executor.ExecuteAsync(Request(new { method = "POST", url = server.BaseUrl + "orders", body = new { qty = 2 } }), CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(201, result.Output!.Value.GetProperty("status").GetInt32());
        Assert.Equal(7, result.Output.Value.GetProperty("body").GetProperty("id").GetInt32());
        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/orders"), (request.Method, request.Path));
        Assert.Equal("""{"qty":2}""", request.Body);
    }

    [Fact]
    public async Task The_execution_id_is_sent_as_idempotency_key_and_fencing_token()
    {
        using var server = new LoopbackHttpServer(_ => (200, "ok", "text/plain"));
        using var executor = new HttpExecutor(LoopbackAllowed);

        await executor.ExecuteAsync(Request(new { url = server.BaseUrl, headers = new { X_Custom = "1" } }, "wf-1/charge/2"), CancellationToken.None);

        var headers = Assert.Single(server.Requests).Headers;
        Assert.Equal("wf-1/charge/2", headers["Idempotency-Key"]);
        Assert.Equal("wf-1/charge/2", headers["X-Fencing-Token"]);
        Assert.Equal("1", headers["X_Custom"]);
    }

    [Fact]
    public async Task A_5xx_answer_is_a_retryable_failure_with_status_and_body_excerpt()
    {
        using var server = new LoopbackHttpServer(_ => (503, "down for maintenance " + new string('x', 2000), "text/plain"));
        using var executor = new HttpExecutor(LoopbackAllowed);

        var result = await executor.ExecuteAsync(Request(new { url = server.BaseUrl }), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.True(result.Retryable);
        Assert.Contains("503", result.Error, StringComparison.Ordinal);
        Assert.Contains("down for maintenance", result.Error, StringComparison.Ordinal);
        Assert.True(result.Error!.Length < 800, "the body is cut to an excerpt");
    }

    [Theory]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    public async Task A_4xx_answer_is_retryable_only_for_timeouts_and_throttling(int status, bool retryable)
    {
        using var server = new LoopbackHttpServer(_ => (status, "no", "text/plain"));
        using var executor = new HttpExecutor(LoopbackAllowed);

        var result = await executor.ExecuteAsync(Request(new { url = server.BaseUrl }), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(retryable, result.Retryable);
    }

    [Fact]
    public async Task A_refused_connection_is_a_retryable_failure()
    {
        using var executor = new HttpExecutor(LoopbackAllowed);

        var result = await executor.ExecuteAsync(Request(new { url = "http://127.0.0.1:9/", timeout = 2000 }), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.True(result.Retryable);
    }

    [Theory]
    [InlineData("""{"method":"GET"}""")]
    [InlineData("""{"url":"ftp://example/x"}""")]
    [InlineData("""{"url":"http://127.0.0.1/","timeout":"soon"}""")]
    [InlineData("\"just a string\"")]
    public async Task Bad_input_is_a_non_retryable_failure_naming_the_field(string input)
    {
        using var executor = new HttpExecutor(LoopbackAllowed);
        var request = new NodeExecutionRequest(Guid.NewGuid(), "n", 1, "x", JsonDocument.Parse(input).RootElement, new Dictionary<string, JsonElement>(), null);

        var result = await executor.ExecuteAsync(request, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.False(result.Retryable);
        Assert.Contains("input", result.Error, StringComparison.Ordinal);
    }
}
