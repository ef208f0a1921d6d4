using System.Text.Json;
using SagaWorkflow.Contracts.Definitions;
using static SagaWorkflow.Contracts.Definitions.DefinitionErrorCodes;

namespace SagaWorkflow.Tests.Definitions;

public sealed class When_validating_a_definition
{
    private static NodeDefinition Node(string id, params string[] dependsOn) => new() { Id = id, Capability = "noop", DependsOn = dependsOn };

    private static WorkflowDefinition Workflow(params NodeDefinition[] nodes) => new() { Name = "w", Nodes = nodes };

    private static IReadOnlyList<DefinitionError> Errors(WorkflowDefinition definition) => WorkflowDefinitionValidator.Validate(definition);

    [Fact]
    public void A_valid_diamond_has_no_errors() =>
        Assert.Empty(Errors(Workflow(Node("a"), Node("b", "a"), Node("c", "a"), Node("d", "b", "c"))));

    [Fact]
    public void Every_problem_is_reported_at_once_each_naming_its_node()
    {
        var errors = Errors(new WorkflowDefinition
        {
            Name = "",
            Nodes = [Node("a", "ghost"), Node("a"), Node("bad id"), new NodeDefinition { Id = "x", Capability = "Upper" }, Node("s", "s")],
        });

        Assert.Contains(errors, e => e is { Code: MissingName });
        Assert.Contains(errors, e => e is { Code: UnknownDependency, NodeId: "a" } && e.Message.Contains("ghost", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Code: DuplicateId, NodeId: "a" });
        Assert.Contains(errors, e => e is { Code: InvalidId, NodeId: "bad id" });
        Assert.Contains(errors, e => e is { Code: InvalidCapability, NodeId: "x" });
        Assert.Contains(errors, e => e is { Code: SelfDependency, NodeId: "s" });
    }

    [Fact]
    public void A_cycle_is_reported_once_with_its_path()
    {
        var errors = Errors(Workflow(Node("a", "c"), Node("b", "a"), Node("c", "b"), Node("d", "a")));

        var cycle = Assert.Single(errors);
        Assert.Equal(Cycle, cycle.Code);
        Assert.Equal("dependency cycle: a -> c -> b -> a", cycle.Message);
    }

    [Fact]
    public void Two_separate_cycles_are_both_reported()
    {
        var errors = Errors(Workflow(Node("a", "b"), Node("b", "a"), Node("x", "y"), Node("y", "x")));

        Assert.Equal(2, errors.Count(e => e.Code == Cycle));
    }

    [Fact]
    public void An_empty_workflow_and_a_missing_definition_are_errors()
    {
        Assert.Equal(EmptyWorkflow, Assert.Single(Errors(Workflow())).Code);
        Assert.Equal(MissingDefinition, Assert.Single(WorkflowDefinitionValidator.Validate(null)).Code);
    }

    [Fact]
    public void A_chain_of_ten_thousand_nodes_validates_without_overflowing_the_stack()
    {
        var nodes = Enumerable.Range(0, WorkflowDefinitionValidator.MaxNodes).Select(i => i == 0 ? Node("n0") : Node($"n{i}", $"n{i - 1}")).ToArray();

        Assert.Empty(Errors(Workflow(nodes)));
    }

    [Fact]
    public void A_cycle_closing_a_ten_thousand_node_chain_is_found()
    {
        var nodes = Enumerable.Range(0, WorkflowDefinitionValidator.MaxNodes).Select(i => Node($"n{i}", $"n{(i + 1) % WorkflowDefinitionValidator.MaxNodes}")).ToArray();

        Assert.Equal(Cycle, Assert.Single(Errors(Workflow(nodes))).Code);
    }

    [Fact]
    public void More_than_ten_thousand_nodes_are_rejected()
    {
        var nodes = Enumerable.Range(0, WorkflowDefinitionValidator.MaxNodes + 1).Select(i => Node($"n{i}")).ToArray();

        Assert.Contains(Errors(Workflow(nodes)), e => e.Code == TooManyNodes);
    }

    [Theory]
    [InlineData(WorkflowDefinitionValidator.MaxInputBytes, false)]
    [InlineData(WorkflowDefinitionValidator.MaxInputBytes + 1, true)]
    public void Node_input_is_limited_to_256_KiB(int bytes, bool rejected)
    {
        // A JSON string of n-2 characters plus its two quotes is exactly n bytes.
        var input = JsonSerializer.SerializeToElement(new string('x', bytes - 2));
        var errors = Errors(Workflow(Node("big") with { Input = input }));

        Assert.Equal(rejected, errors.Any(e => e is { Code: InputTooLarge, NodeId: "big" }));
    }

    [Fact]
    public void Input_size_does_not_depend_on_how_the_json_is_formatted()
    {
        // Regression: the API measured the client's compact text and the saga the indented text of the message envelope,
        // so an input just under the limit was accepted with 202 and then rejected by the saga.
        var value = new string('x', WorkflowDefinitionValidator.MaxInputBytes - 10);
        var compact = JsonDocument.Parse("{\"x\":\"" + value + "\"}").RootElement;
        var indented = JsonDocument.Parse("{\n                    \"x\"  :  \"" + value + "\"\n                }").RootElement;

        Assert.Empty(Errors(Workflow(Node("a") with { Input = compact })));
        Assert.Empty(Errors(Workflow(Node("a") with { Input = indented })));
    }

    [Theory]
    [InlineData(WorkflowDefinitionValidator.MaxInputDepth, false)]
    [InlineData(WorkflowDefinitionValidator.MaxInputDepth + 1, true)]
    public void Node_input_nests_at_most_32_levels_so_every_message_carrying_it_can_be_serialized(int depth, bool rejected)
    {
        var input = JsonDocument.Parse(new string('[', depth) + new string(']', depth)).RootElement;

        var errors = Errors(Workflow(Node("deep") with { Input = input }));

        Assert.Equal(rejected, errors.Any(e => e is { Code: InputTooDeep, NodeId: "deep" } && e.Message.Contains($"{depth} levels", StringComparison.Ordinal)));
    }

    [Fact]
    public void Retry_and_timeout_values_out_of_range_are_reported()
    {
        var node = Node("r") with
        {
            Retry = new RetryPolicy { MaxAttempts = 0, InitialDelay = TimeSpan.FromSeconds(10), BackoffMultiplier = 0.5, MaxDelay = TimeSpan.FromSeconds(1) },
            Timeout = TimeSpan.Zero,
        };

        var errors = Errors(Workflow(node));

        Assert.Equal(3, errors.Count(e => e is { Code: InvalidRetry, NodeId: "r" }));
        Assert.Contains(errors, e => e is { Code: InvalidTimeout, NodeId: "r" });
    }

    [Fact]
    public void A_repeated_dependency_is_reported()
    {
        Assert.Contains(Errors(Workflow(Node("a"), Node("b", "a", "a"))), e => e is { Code: DuplicateDependency, NodeId: "b" });
    }
}
