using SagaWorkflow.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using SagaWorkflow.Cli;

namespace SagaWorkflow.Tests.Api;

/// <summary>
/// Regression: once an executor had drained, a second drain request cleared <c>drainedAt</c> and the executor never
/// answered it, so the registry showed a drain that never ended and <c>sagaflow drain --watch</c> never returned.
/// Its own host: the drain stops the in-process executor.
/// </summary>
public sealed class When_a_drained_executor_is_drained_again(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_registry_reports_it_drained_again_and_the_watch_ends()
    {
        JsonElement executors = default;
        await Integration.Eventually.WaitUntilAsync(async () =>
        {
            executors = await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors");
            return executors.GetArrayLength() == 1 && executors[0].GetProperty("state").GetString() == "Online";
        }, TimeSpan.FromSeconds(30), () => Task.FromResult($"no online executor: {executors}"));
        var id = executors[0].GetProperty("id").GetString()!;
        var first = await When_draining_from_the_cli.SagaflowAsync(api, "drain", id, "--watch");
        Assert.True(first.Exit == ExitCodes.Ok, first.Errors + first.Output);

        var again = await When_draining_from_the_cli.SagaflowAsync(api, "drain", id, "--watch");

        Assert.True(again.Exit == ExitCodes.Ok, again.Errors + again.Output);
        Assert.Contains($"executor {id} drained at ", again.Output, StringComparison.Ordinal);
        var executor = (await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors"))[0];
        Assert.Equal(JsonValueKind.String, executor.GetProperty("drainedAt").ValueKind);
    }
}
