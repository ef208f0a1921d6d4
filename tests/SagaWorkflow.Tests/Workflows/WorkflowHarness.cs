using System.Text.Json;
using MassTransit;
using SagaWorkflow.Persistence.Outbox;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Orchestrator.ExecutorRegistry;
using SagaWorkflow.Orchestrator.Workflows;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Tests.Workflows;

/// <summary>
/// The one place state machine tests build their bus: MassTransit's test harness with the workflow saga (in-memory
/// repository) and <see cref="ScriptedExecutor"/> consuming <c>node.test</c>.
/// </summary>
public sealed class WorkflowHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private WorkflowHarness(ServiceProvider provider)
    {
        _provider = provider;
        Harness = provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<WorkflowStateMachine, WorkflowState>();
    }

    public ITestHarness Harness { get; }
    public ISagaStateMachineTestHarness<WorkflowStateMachine, WorkflowState> Saga { get; }
    public WorkflowStateMachine Machine => Saga.StateMachine;

    public static async Task<WorkflowHarness> StartAsync()
    {
        var provider = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddWorkflowSteps()
            .AddSingleton<IExecutorDirectory, EveryExecutorOnline>()
            .AddLogging()
            // The saga endpoint's transactional outbox; with the harness's in-memory repository nothing is stored, so it
            // delivers each step's messages from memory after the step.
            .AddSingleton<OutboxDelivery>()
            .AddMassTransitTestHarness(x =>
            {
                x.AddSagaStateMachine<WorkflowStateMachine, WorkflowState, WorkflowStateDefinition>();
                x.AddConsumer<ScriptedExecutor>().Endpoint(e => e.Name = NodeQueues.ForCapability(ScriptedExecutor.Capability));
            })
            .BuildServiceProvider(true);
        var harness = new WorkflowHarness(provider);
        await harness.Harness.Start();
        return harness;
    }

    public async Task<Guid> StartWorkflowAsync(WorkflowDefinition definition)
    {
        var id = NewId.NextGuid();
        await Harness.Bus.Publish(new StartWorkflow { WorkflowId = id, Definition = definition });
        return id;
    }

    /// <summary>Waits for the saga to reach <paramref name="state"/> and returns it; fails the test if it never does.</summary>
    public async Task<WorkflowState> WaitForStateAsync(Guid workflowId, Func<WorkflowStateMachine, State> state)
    {
        var found = await Saga.Exists(workflowId, state);
        Assert.True(found.HasValue, $"workflow {workflowId} never reached {state(Machine).Name}; it is {Saga.Sagas.Contains(workflowId)?.CurrentState ?? "absent"}");
        return Saga.Sagas.Contains(workflowId)!;
    }

    public static NodeDefinition Node(string id, object? input = null, params string[] dependsOn) => new()
    {
        Id = id,
        Capability = ScriptedExecutor.Capability,
        Input = input is null ? null : JsonSerializer.SerializeToElement(input),
        DependsOn = dependsOn,
    };

    public static WorkflowDefinition Definition(params NodeDefinition[] nodes) => new() { Name = "test", Nodes = nodes };

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }
}

/// <summary>The harness has no executor registry: every node is taken to have an executor, so none gets a waiting reason.</summary>
internal sealed class EveryExecutorOnline : IExecutorDirectory
{
    public Task<string?> WaitingReasonAsync(string capability, string? pool, string? executor, string? goneExecutor, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    // No executor has its own queue here: a node with a routing key goes to its capability's queue like any other.
    public Task<KeyOwner?> OwnerOfAsync(string routingKey, string capability, string? pool, string? goneExecutor, CancellationToken cancellationToken) =>
        Task.FromResult<KeyOwner?>(null);
}
