using SagaWorkflow.Contracts.Definitions;
using static SagaWorkflow.Contracts.Definitions.DefinitionErrorCodes;

namespace SagaWorkflow.Tests.Definitions;

/// <summary>The field-level codes that the whole-definition tests do not reach, one at a time.</summary>
public sealed class When_validating_definition_fields
{
    private static NodeDefinition Node(string id) => new() { Id = id, Capability = "noop" };

    private static IReadOnlyList<DefinitionError> Errors(WorkflowDefinition definition) => WorkflowDefinitionValidator.Validate(definition);

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_version_below_one_is_reported(int version)
    {
        var error = Assert.Single(Errors(new WorkflowDefinition { Name = "w", Version = version, Nodes = [Node("a")] }));

        Assert.Equal(InvalidVersion, error.Code);
        Assert.Null(error.NodeId);
    }

    [Fact]
    public void A_workflow_timeout_that_is_not_positive_is_reported_without_a_node()
    {
        var error = Assert.Single(Errors(new WorkflowDefinition { Name = "w", Timeout = TimeSpan.FromSeconds(-1), Nodes = [Node("a")] }));

        Assert.Equal(InvalidTimeout, error.Code);
        Assert.Null(error.NodeId);
    }

    [Fact]
    public void A_node_without_an_id_is_reported_by_its_capability()
    {
        var error = Assert.Single(Errors(new WorkflowDefinition { Name = "w", Nodes = [new NodeDefinition { Capability = "transform" }] }));

        Assert.Equal(MissingId, error.Code);
        Assert.Contains("transform", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_without_a_capability_is_reported_by_its_id()
    {
        var error = Assert.Single(Errors(new WorkflowDefinition { Name = "w", Nodes = [new NodeDefinition { Id = "a" }] }));

        Assert.Equal(MissingCapability, error.Code);
        Assert.Equal("a", error.NodeId);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("UPPER")]
    [InlineData("dot.ted")]
    [InlineData("a-very-long-capability-name-that-goes-past-fifty-chars")]
    public void A_capability_that_cannot_name_a_queue_is_reported(string capability)
    {
        var error = Assert.Single(Errors(new WorkflowDefinition { Name = "w", Nodes = [new NodeDefinition { Id = "a", Capability = capability }] }));

        Assert.Equal(InvalidCapability, error.Code);
    }

    [Theory]
    [InlineData(".starts-with-dot")]
    [InlineData("-starts-with-dash")]
    [InlineData("slash/inside")]
    public void An_id_breaking_the_character_rule_is_reported_with_the_rule(string id)
    {
        var error = Assert.Single(Errors(new WorkflowDefinition { Name = "w", Nodes = [Node(id)] }));

        Assert.Equal(InvalidId, error.Code);
        Assert.Contains("letters, digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_of_one_hundred_characters_is_accepted_and_one_more_is_not()
    {
        Assert.Empty(Errors(new WorkflowDefinition { Name = "w", Nodes = [Node(new string('a', 100))] }));
        Assert.Equal(InvalidId, Assert.Single(Errors(new WorkflowDefinition { Name = "w", Nodes = [Node(new string('a', 101))] })).Code);
    }

    [Fact]
    public void An_id_used_three_times_is_reported_once()
    {
        var errors = Errors(new WorkflowDefinition { Name = "w", Nodes = [Node("a"), Node("a"), Node("a")] });

        Assert.Equal(DuplicateId, Assert.Single(errors).Code);
    }

    [Theory]
    [InlineData(101, 0)]
    [InlineData(3, -1)]
    public void Too_many_attempts_or_a_negative_delay_is_an_invalid_retry(int maxAttempts, int initialDelaySeconds)
    {
        var node = Node("r") with { Retry = new RetryPolicy { MaxAttempts = maxAttempts, InitialDelay = TimeSpan.FromSeconds(initialDelaySeconds) } };

        var error = Assert.Single(Errors(new WorkflowDefinition { Name = "w", Nodes = [node] }));

        Assert.Equal(InvalidRetry, error.Code);
        Assert.Equal("r", error.NodeId);
    }

    [Fact]
    public void The_retry_limits_themselves_are_valid()
    {
        var node = Node("r") with
        {
            Retry = new RetryPolicy { MaxAttempts = 100, InitialDelay = TimeSpan.Zero, BackoffMultiplier = 1, MaxDelay = TimeSpan.Zero },
        };

        Assert.Empty(Errors(new WorkflowDefinition { Name = "w", Nodes = [node] }));
    }

    [Fact]
    public void A_null_entry_in_nodes_is_reported_instead_of_crashing()
    {
        var errors = WorkflowDefinitionParser.ParseAndValidate("""{ "name": "w", "nodes": [ { "id": "a", "capability": "noop" }, null ] }""", out _);

        var error = Assert.Single(errors);
        Assert.Equal(MissingId, error.Code);
        Assert.Contains("nodes[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_dependency_is_an_unknown_dependency_not_a_crash()
    {
        var errors = WorkflowDefinitionParser.ParseAndValidate("""{ "name": "w", "nodes": [ { "id": "a", "capability": "noop", "dependsOn": [null] } ] }""", out _);

        Assert.Equal(UnknownDependency, Assert.Single(errors).Code);
    }

    [Fact]
    public void Explicit_nulls_for_optional_fields_are_valid()
    {
        var errors = WorkflowDefinitionParser.ParseAndValidate(
            """{ "name": "w", "timeout": null, "nodes": [ { "id": "a", "capability": "noop", "input": null, "retry": null, "timeout": null } ] }""", out _);

        Assert.Empty(errors);
    }

    [Fact]
    public void A_json_null_document_is_a_missing_definition()
    {
        var (definition, errors) = WorkflowDefinitionParser.Parse("null");

        Assert.Null(definition);
        Assert.Equal(MissingDefinition, Assert.Single(errors).Code);
    }
}
