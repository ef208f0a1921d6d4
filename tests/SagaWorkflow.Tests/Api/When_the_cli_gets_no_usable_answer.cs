using SagaWorkflow.CommandLine;
using SagaWorkflow.Cli;

namespace SagaWorkflow.Tests.Api;

/// <summary>
/// Regression: an HTTP timeout or an answer without the fields the CLI reads threw past its error handling and the CLI
/// died with a stack trace. Each now exits 2 with one line naming the API URL and what went wrong.
/// </summary>
public sealed class When_the_cli_gets_no_usable_answer
{
    [Fact]
    public async Task Nothing_listening_exits_2_naming_the_api_url()
    {
        var url = CannedHttpServer.NothingListening();

        var (exit, errors) = await SagaflowAsync(url, "executors");

        AssertOneLineRefusal(exit, errors, url, "cannot reach the API");
    }

    [Fact]
    public async Task A_server_that_never_answers_exits_2_when_the_request_times_out()
    {
        await using var server = new CannedHttpServer(response: null);

        var (exit, errors) = await SagaflowAsync(server.Url, TimeSpan.FromMilliseconds(500), "executors");

        AssertOneLineRefusal(exit, errors, server.Url, "did not answer GET");
    }

    [Fact]
    public async Task A_body_that_is_not_json_exits_2_saying_so()
    {
        await using var server = CannedHttpServer.Ok("<html><body>router login</body></html>", "text/html");

        var (exit, errors) = await SagaflowAsync(server.Url, "list");

        AssertOneLineRefusal(exit, errors, server.Url, "a body that is not JSON (starts '<html>");
    }

    [Fact]
    public async Task An_answer_without_an_expected_field_exits_2_naming_the_field()
    {
        await using var server = CannedHttpServer.Ok("""{"id": "6c1e0000-0000-0000-0000-000000000000", "state": "Running"}""");

        var (exit, errors) = await SagaflowAsync(server.Url, "status", "6c1e0000-0000-0000-0000-000000000000");

        AssertOneLineRefusal(exit, errors, server.Url, "missing required properties including: 'definition'");
    }

    [Fact]
    public async Task An_answer_with_a_field_of_another_kind_exits_2()
    {
        await using var server = CannedHttpServer.Ok("""[{"id": "x", "state": "Online", "inFlight": "many"}]""");

        var (exit, errors) = await SagaflowAsync(server.Url, "executors");

        AssertOneLineRefusal(exit, errors, server.Url, "cannot read");
    }

    [Fact]
    public async Task An_api_url_that_is_not_http_exits_2_before_any_request()
    {
        var (exit, errors) = await SagaflowAsync("ftp://127.0.0.1/", "executors");

        AssertOneLineRefusal(exit, errors, "ftp://127.0.0.1/", "is not an http(s) URL");
    }

    private static void AssertOneLineRefusal(int exit, string errors, string url, string expected)
    {
        Assert.True(exit == ExitCodes.Refused, $"exit {exit}: {errors}");
        Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(url, errors, StringComparison.Ordinal);
        Assert.Contains(expected, errors, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Errors)> SagaflowAsync(string url, params string[] args) => SagaflowAsync(url, null, args);

    // Only the hung-server test shortens the request timeout: a canned answer on a loaded machine can take longer than
    // half a second, and must not turn into a timeout.
    private static async Task<(int Exit, string Errors)> SagaflowAsync(string url, TimeSpan? timeout, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await SagaflowCommand.RunAsync(["--api", url, .. args], output, errors, _ => null, CancellationToken.None,
            requestTimeout: timeout);
        return (exit, errors.ToString());
    }
}
