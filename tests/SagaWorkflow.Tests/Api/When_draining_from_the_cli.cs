using SagaWorkflow.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using SagaWorkflow.Cli;

namespace SagaWorkflow.Tests.Api;

/// <summary>Its own host: the drain stops the in-process executor, which the other API tests need running.</summary>
public sealed class When_draining_from_the_cli(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Drain_with_watch_shows_the_in_flight_count_and_exits_0_once_drained()
    {
        var workflow = await api.SubmitAsync(Definitions.Slow("cli-drain"));
        JsonElement executor = default;
        // The executor's heartbeat has reported the running node, so the watch starts from one in flight.
        await Integration.Eventually.WaitUntilAsync(async () =>
        {
            var executors = await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors");
            executor = executors.GetArrayLength() == 1 ? executors[0] : executors;
            return executor.ValueKind == JsonValueKind.Object && executor.GetProperty("state").GetString() == "Online"
                && executor.GetProperty("inFlight").GetInt32() == 1;
        }, TimeSpan.FromSeconds(60), () => Task.FromResult($"the node never showed in flight: {executor}"));
        var id = executor.GetProperty("id").GetString()!;

        var (exit, output, errors) = await SagaflowAsync("drain", id, "--deadline", "1s", "--watch");

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}: {errors}\n{output}");
        var lines = output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"drain of executor {id} requested", lines[0]);
        Assert.Contains($"executor {id}: Online, 1 in flight", lines);
        Assert.StartsWith($"executor {id} drained at ", lines[^1], StringComparison.Ordinal);
        // The deadline handed the running attempt back: the registry says drained and the node moved to a new attempt.
        var drained = (await api.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors"))[0];
        Assert.Equal(JsonValueKind.String, drained.GetProperty("drainedAt").ValueKind);
        // The hand-back reaches the workflow saga on its own queue, so it may land just after the drained report.
        JsonElement node = default;
        await Integration.Eventually.WaitUntilAsync(async () => (node = (await api.WorkflowAsync(workflow)).GetProperty("nodes")[0]).GetProperty("attempt").GetInt32() == 2,
            TimeSpan.FromSeconds(30), () => Task.FromResult($"the running attempt was not handed back: {node}"));
    }

    [Fact]
    public async Task Drain_of_an_unknown_executor_with_watch_exits_2_with_the_404()
    {
        var (exit, _, errors) = await SagaflowAsync("drain", "nobody", "--watch");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("404", errors, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output, string Errors)> SagaflowAsync(params string[] args) => SagaflowAsync(api, args);

    internal static async Task<(int Exit, string Output, string Errors)> SagaflowAsync(ApiHost api, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        // A watch that never ends is the failure: it is interrupted (exit 130) instead of hanging the run.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exit = await SagaflowCommand.RunAsync(["--api", api.Anonymous.BaseAddress!.ToString(), .. args], output, errors,
            name => name == "SAGAFLOW_API_KEY" ? ApiHost.AdminKey : null, guard.Token, pollInterval: TimeSpan.FromMilliseconds(100));
        return (exit, output.ToString(), errors.ToString());
    }
}
