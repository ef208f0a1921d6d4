using System.Text.Json;
using MassTransit;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Orchestrator.Workflows;
using static SagaWorkflow.Tests.Workflows.WorkflowHarness;

namespace SagaWorkflow.Tests.Workflows;

/// <summary>The saga's side of sticky routing: keys resolved from the run's input at the start, or the start rejected.</summary>
public sealed class When_nodes_carry_routing_keys
{
    private static readonly WorkflowDefinition ByCustomer = Definition(Node("a") with { RoutingKey = "$.customer.id" }, Node("b", null, "a")) with
    {
        RoutingKey = "fixed-key",
    };

    [Fact]
    public async Task A_key_the_input_lacks_rejects_the_run_naming_node_and_path_and_leaves_nothing()
    {
        await using var h = await StartAsync();
        var id = NewId.NextGuid();
        await h.Harness.Bus.Publish(new StartWorkflow { WorkflowId = id, Definition = ByCustomer, Input = JsonSerializer.SerializeToElement(new { customer = new { name = "x" } }) });

        Assert.True(await h.Harness.Published.Any<WorkflowRejected>(x => x.Context.Message.WorkflowId == id));
        var error = Assert.Single(h.Harness.Published.Select<WorkflowRejected>().Single().Context.Message.Errors);
        Assert.Equal((DefinitionErrorCodes.UnresolvedRoutingKey, "a"), (error.Code, error.NodeId));
        Assert.Equal("routingKey $.customer.id: the workflow input has no value at $.customer.id", error.Message);
        Assert.Null(await h.Saga.NotExists(id));
        Assert.Empty(h.Harness.Sent.Select<ExecuteNode>());
    }

    [Fact]
    public async Task Keys_are_resolved_onto_the_node_rows_and_without_an_owner_nodes_run_from_the_shared_queue()
    {
        await using var h = await StartAsync();
        var id = NewId.NextGuid();
        await h.Harness.Bus.Publish(new StartWorkflow { WorkflowId = id, Definition = ByCustomer, Input = JsonSerializer.SerializeToElement(new { customer = new { id = 42 } }) });

        var saga = await h.WaitForStateAsync(id, m => m.Completed);
        Assert.Equal(["42", "fixed-key"], saga.Nodes.Select(n => n.RoutingKey));
        // The harness has no executor with a queue of its own: no owner, so nothing was routed or stamped.
        Assert.All(saga.Nodes, n => Assert.Null(n.RoutedExecutor));
        Assert.All(h.Harness.Sent.Select<ExecuteNode>(), s => Assert.Null(s.Context.Message.RoutedInstance));
        Assert.Equal(2, h.Harness.Sent.Select<ExecuteNode>().Count());
    }
}
