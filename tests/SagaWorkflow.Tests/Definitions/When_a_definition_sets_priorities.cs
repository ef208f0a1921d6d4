using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Orchestrator.Workflows;
using static SagaWorkflow.Contracts.Definitions.DefinitionErrorCodes;

namespace SagaWorkflow.Tests.Definitions;

public sealed class When_a_definition_sets_priorities
{
    private const string Json = """
        {"name":"p","priority":4,"nodes":[
          {"id":"urgent","capability":"noop","priority":9},
          {"id":"usual","capability":"noop","dependsOn":["urgent"]},
          {"id":"idle","capability":"noop","priority":0,"dependsOn":["urgent"]}]}
        """;

    [Fact]
    public void A_node_takes_its_own_priority_else_the_workflows()
    {
        var run = RunDefinition.Of(Json);

        Assert.Equal([9, 4, 0], new[] { "urgent", "usual", "idle" }.Select(id => (int)run.PriorityOf(id)));
    }

    [Fact]
    public void Without_any_priority_a_node_has_zero() =>
        Assert.Equal(0, RunDefinition.Of("""{"name":"plain","nodes":[{"id":"a","capability":"noop"}]}""").PriorityOf("a"));

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void A_priority_outside_0_to_9_is_reported_for_the_node_and_the_workflow(int priority)
    {
        var errors = WorkflowDefinitionValidator.Validate(new WorkflowDefinition
        {
            Name = "w",
            Priority = priority,
            Nodes = [new NodeDefinition { Id = "a", Capability = "noop", Priority = priority }],
        });

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(InvalidPriority, e.Code));
        Assert.Contains(errors, e => e.NodeId == "a" && e.Message == $"priority must be 0-9, not {priority}");
        Assert.Contains(errors, e => e.NodeId is null && e.Message == $"the workflow priority must be 0-9, not {priority}");
    }

    [Fact]
    public void The_parser_reads_priorities_and_refuses_a_bad_one_with_its_code()
    {
        var parsed = WorkflowDefinitionParser.Parse(Json);
        Assert.Equal((4, 9), (parsed.Definition!.Priority, parsed.Definition.Nodes[0].Priority));

        var refused = WorkflowDefinitionParser.ParseAndValidate("""{"name":"p","nodes":[{"id":"a","capability":"noop","priority":12}]}""", out _);
        Assert.Contains(refused, e => e is { Code: InvalidPriority, NodeId: "a" });
    }
}
