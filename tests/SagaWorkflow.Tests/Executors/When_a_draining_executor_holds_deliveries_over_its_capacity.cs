using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Contracts;
using SagaWorkflow.NodeExecution;
using SagaWorkflow.NodeExecution.Runtime;

namespace SagaWorkflow.Tests.Executors;

/// <summary>
/// Concurrency 1 under a prefetch of 2 (<c>Executor:MaxConcurrency</c>): a second node waits in the process for a slot.
/// A drain then hands it back unstarted instead of starting it once the first finishes.
/// </summary>
public sealed class When_a_draining_executor_holds_deliveries_over_its_capacity
{
    /// <summary>Runs until the test opens its gate, and remembers which nodes it ran.</summary>
    private sealed class GatedExecutor : INodeExecutor
    {
        public readonly TaskCompletionSource Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource FirstStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly List<string> Ran = [];

        public string Capability => "gated";

        public async Task<NodeExecutionResult> ExecuteAsync(NodeExecutionRequest request, CancellationToken cancellationToken)
        {
            lock (Ran)
                Ran.Add(request.NodeId);
            FirstStarted.TrySetResult();
            await Gate.Task;
            return NodeExecutionResult.Success(null);
        }
    }

    [Fact]
    public async Task The_waiting_node_is_handed_back_unstarted_and_the_running_one_finishes()
    {
        var gated = new GatedExecutor();
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Executor:Concurrency"] = "1", ["Executor:MaxConcurrency"] = "2", ["Executor:CapabilityList"] = "gated",
            }).Build())
            .AddNodeExecutors()
            .AddSingleton<INodeExecutor>(gated)
            .AddMassTransitTestHarness(x =>
            {
                // Not 1.2 s without bus traffic (the default): a busy test process can take longer over a first node run.
                x.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(10));
                x.AddNodeExecutorConsumers();
                x.UsingInMemory((context, cfg) => cfg.ConfigureNodeExecutorEndpoints(context));
            })
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var endpoint = await harness.Bus.GetSendEndpoint(NodeQueues.SendAddress("gated"));
        var workflow = Guid.NewGuid();
        await endpoint.Send(new ExecuteNode { WorkflowId = workflow, NodeId = "first", Attempt = 1, Capability = "gated", ExecutionId = $"{workflow}/first/1" });
        await gated.FirstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await endpoint.Send(new ExecuteNode { WorkflowId = workflow, NodeId = "second", Attempt = 1, Capability = "gated", ExecutionId = $"{workflow}/second/1" });
        // The second delivery is with the consumer, waiting for the one slot, before the drain begins.
        var capacity = provider.GetRequiredService<NodeCapacity>();
        await Integration.Eventually.WaitUntilAsync(() => Task.FromResult(capacity.Waiting == 1), TimeSpan.FromSeconds(30),
            () => Task.FromResult("the second node never waited for a slot"));

        var drained = provider.GetRequiredService<ExecutorDrain>().DrainAsync(null, "test");
        Assert.True(await harness.Published.Any<NodeFailed>(f => f.Context.Message.NodeId == "second"));
        gated.Gate.SetResult();
        await drained.WaitAsync(TimeSpan.FromSeconds(30));

        var handedBack = harness.Published.Select<NodeFailed>().Single(f => f.Context.Message.NodeId == "second").Context.Message;
        Assert.True(handedBack.HandedOver && handedBack.Retryable);
        Assert.True(await harness.Published.Any<NodeCompleted>(c => c.Context.Message.NodeId == "first"));
        Assert.Equal(["first"], gated.Ran);
    }
}
