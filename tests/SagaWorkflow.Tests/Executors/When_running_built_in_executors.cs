using Microsoft.Extensions.Time.Testing;
using System.Text.Json;
using SagaWorkflow.NodeExecution;
using SagaWorkflow.NodeExecution.BuiltIn;

namespace SagaWorkflow.Tests.Executors;

public sealed class When_running_built_in_executors
{
    private static NodeExecutionRequest Request(string? input, Dictionary<string, JsonElement>? dependencies = null) =>
        new(Guid.NewGuid(), "n", 1, "x", input is null ? null : JsonDocument.Parse(input).RootElement, dependencies ?? [], null);

    [Fact]
    public async Task Transform_merges_its_input_with_each_dependency_output_by_node_id()
    {
        var dependencies = new Dictionary<string, JsonElement>
        {
            ["b"] = JsonDocument.Parse("""{"x":1}""").RootElement,
            ["a"] = JsonDocument.Parse("42").RootElement,
        };

        var result = await new TransformExecutor().ExecuteAsync(Request("""{"keep":"me"}""", dependencies), CancellationToken.None);

        Assert.Equal("""{"keep":"me","a":42,"b":{"x":1}}""", JsonSerializer.Serialize(result.Output));
    }

    [Fact]
    public async Task Transform_puts_a_non_object_input_under_input()
    {
        var result = await new TransformExecutor().ExecuteAsync(Request("[1,2]"), CancellationToken.None);

        Assert.Equal("""{"input":[1,2]}""", JsonSerializer.Serialize(result.Output));
    }

    [Fact]
    public async Task Delay_waits_the_given_milliseconds_and_reports_them()
    {
        // The test drives the clock: the delay must still be waiting a moment short of its time, and end once it passes.
        var clock = new FakeTimeProvider();
        var running = new DelayExecutor(clock).ExecuteAsync(Request("""{"ms":5000}"""), CancellationToken.None);

        clock.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(running.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var result = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Succeeded);
        Assert.Equal(5000, result.Output!.Value.GetProperty("waitedMs").GetInt32());
    }

    [Fact]
    public async Task Delay_stops_when_its_attempt_is_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var running = new DelayExecutor(new FakeTimeProvider()).ExecuteAsync(Request("""{"ms":600000}"""), cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{"ms":-1}""")]
    [InlineData("""{"ms":"10"}""")]
    [InlineData("""{"wait":10}""")]
    public async Task Delay_rejects_input_without_a_valid_ms(string? input)
    {
        var result = await new DelayExecutor(TimeProvider.System).ExecuteAsync(Request(input), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.False(result.Retryable);
        Assert.Contains("input.ms", result.Error, StringComparison.Ordinal);
    }
}
