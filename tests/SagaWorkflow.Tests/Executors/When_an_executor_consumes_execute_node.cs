using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Contracts;
using SagaWorkflow.NodeExecution;

namespace SagaWorkflow.Tests.Executors;

public sealed class When_an_executor_consumes_execute_node
{
    private sealed class ThrowingExecutor : INodeExecutor
    {
        public string Capability => "throws";

        public Task<NodeExecutionResult> ExecuteAsync(NodeExecutionRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("executor bug");
    }

    /// <summary>Counts its runs: a node that must not run twice.</summary>
    private sealed class CountingExecutor : INodeExecutor
    {
        public int Runs;

        public string Capability => "counts";

        public Task<NodeExecutionResult> ExecuteAsync(NodeExecutionRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(NodeExecutionResult.Success(JsonDocument.Parse($"{{\"run\":{Interlocked.Increment(ref Runs)}}}").RootElement));
    }

    private static async Task<(ServiceProvider Provider, ITestHarness Harness)> StartAsync()
    {
        var provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddNodeExecutors()
            .AddSingleton<INodeExecutor, ThrowingExecutor>()
            .AddSingleton<CountingExecutor>()
            .AddSingleton<INodeExecutor>(sp => sp.GetRequiredService<CountingExecutor>())
            .AddMassTransitTestHarness(x =>
            {
                // The harness's lists give up after 1.2 s without bus traffic by default: a first node run in a busy test
                // process (JIT, a CI machine starting services) took longer once, and a wait must not end before it.
                x.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(10));
                x.AddNodeExecutorConsumers();
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.ConfigureNodeExecutorEndpoints(context);
                    cfg.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return (provider, harness);
    }

    private static async Task SendAsync(ITestHarness harness, string capability, string nodeId, string? input = null)
    {
        var endpoint = await harness.Bus.GetSendEndpoint(NodeQueues.SendAddress(capability));
        await endpoint.Send(new ExecuteNode
        {
            WorkflowId = Guid.NewGuid(), NodeId = nodeId, Attempt = 2, Capability = capability,
            Input = input is null ? null : JsonDocument.Parse(input).RootElement, ExecutionId = $"w/{nodeId}/2",
        });
    }

    [Fact]
    public async Task A_short_attempt_reports_its_start_with_its_result_and_no_separate_started_event()
    {
        var (provider, harness) = await StartAsync();
        await using var _ = provider;

        await SendAsync(harness, "transform", "t1", """{"v":1}""");

        Assert.True(await harness.Published.Any<NodeCompleted>(x => x.Context.Message.NodeId == "t1"));
        var completed = harness.Published.Select<NodeCompleted>().Single(x => x.Context.Message.NodeId == "t1").Context.Message;
        Assert.Equal(2, completed.Attempt);
        Assert.False(string.IsNullOrEmpty(completed.ExecutorId));
        Assert.Equal(1, completed.Output!.Value.GetProperty("v").GetInt32());
        Assert.True(completed.StartedAt <= completed.Timestamp);
        Assert.DoesNotContain(harness.Published.Select<NodeStarted>(), x => x.Context.Message.NodeId == "t1");
    }

    [Fact]
    public async Task An_attempt_running_past_the_start_report_delay_reports_started_then_completed()
    {
        var (provider, harness) = await StartAsync();
        await using var _ = provider;

        await SendAsync(harness, "delay", "d2", """{"ms":300}""");

        Assert.True(await harness.Published.Any<NodeCompleted>(x => x.Context.Message.NodeId == "d2"));
        var started = harness.Published.Select<NodeStarted>().Single(x => x.Context.Message.NodeId == "d2").Context.Message;
        var completed = harness.Published.Select<NodeCompleted>().Single(x => x.Context.Message.NodeId == "d2").Context.Message;
        Assert.Equal(started.ExecutorId, completed.ExecutorId);
        Assert.Equal(started.Timestamp, completed.StartedAt);
    }

    [Fact]
    public async Task A_failing_attempt_is_reported_as_node_failed()
    {
        var (provider, harness) = await StartAsync();
        await using var _ = provider;

        await SendAsync(harness, "delay", "d1", """{"ms":"bad"}""");

        Assert.True(await harness.Published.Any<NodeFailed>(x => x.Context.Message.NodeId == "d1"));
        var failed = harness.Published.Select<NodeFailed>().Single(x => x.Context.Message.NodeId == "d1").Context.Message;
        Assert.False(failed.Retryable);
        Assert.Contains("input.ms", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_executor_that_throws_still_ends_the_attempt_with_a_retryable_failure()
    {
        var (provider, harness) = await StartAsync();
        await using var _ = provider;

        await SendAsync(harness, "throws", "x1");

        Assert.True(await harness.Published.Any<NodeFailed>(x => x.Context.Message.NodeId == "x1"));
        var failed = harness.Published.Select<NodeFailed>().Single(x => x.Context.Message.NodeId == "x1").Context.Message;
        Assert.True(failed.Retryable);
        Assert.Contains("executor bug", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_of_an_attempt_that_finished_here_is_answered_with_its_result_instead_of_running_again()
    {
        var (provider, harness) = await StartAsync();
        await using var _ = provider;
        var counting = provider.GetRequiredService<CountingExecutor>();

        // The copy the broker hands out again after a restart carries the same execution id.
        await SendAsync(harness, "counts", "once");
        Assert.True(await harness.Published.Any<NodeCompleted>(x => x.Context.Message.NodeId == "once"));
        await SendAsync(harness, "counts", "once");
        // Both deliveries handled, both answered (MassTransit's Take/Count wait for the second, up to the harness timeout).
        Assert.Equal(2, await AsyncElementListExtensions.Count(AsyncElementListExtensions.Take(
            harness.Consumed.SelectAsync<ExecuteNode>(x => x.Context.Message.NodeId == "once"), 2)));
        Assert.Equal(2, await AsyncElementListExtensions.Count(AsyncElementListExtensions.Take(
            harness.Published.SelectAsync<NodeCompleted>(x => x.Context.Message.NodeId == "once"), 2)));
        Assert.Equal(1, counting.Runs);
        Assert.All(harness.Published.Select<NodeCompleted>(x => x.Context.Message.NodeId == "once"),
            x => Assert.Equal(1, x.Context.Message.Output!.Value.GetProperty("run").GetInt32()));
    }
}
