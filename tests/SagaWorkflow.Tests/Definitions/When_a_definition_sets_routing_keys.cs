using System.Text.Json;
using SagaWorkflow.Contracts.Definitions;
using static SagaWorkflow.Contracts.Definitions.DefinitionErrorCodes;

namespace SagaWorkflow.Tests.Definitions;

/// <summary>Sticky routing's <c>routingKey</c>: what a definition may say, and how a run's input resolves it.</summary>
public sealed class When_a_definition_sets_routing_keys
{
    private static readonly JsonElement Input = JsonDocument.Parse("""
        {"customerId":"c-42","order":{"id":7,"express":true,"lines":[{"sku":"A-1"}],"note":null,"tags":[]}}
        """).RootElement;

    [Theory]
    [InlineData("tenant-7", "tenant-7")]
    [InlineData("$.customerId", "c-42")]
    [InlineData("$.order.id", "7")]
    [InlineData("$.order.express", "true")]
    [InlineData("$.order.lines[0].sku", "A-1")]
    public void A_literal_is_itself_and_a_path_is_the_inputs_value_there(string key, string resolved)
    {
        Assert.Equal(resolved, RoutingKeys.Resolve(key, Input, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("$.customer", "the workflow input has no value at $.customer")]
    [InlineData("$.order.lines[3].sku", "the workflow input has no value at $.order.lines[3]")]
    [InlineData("$.customerId.inner", "the workflow input has no value at $.customerId.inner")]
    [InlineData("$.order.note", "the workflow input has null there")]
    [InlineData("$.order.tags", "the workflow input has an array there")]
    [InlineData("$.order", "the workflow input has an object there")]
    public void A_path_the_input_does_not_answer_says_where_and_why(string key, string reason)
    {
        Assert.Null(RoutingKeys.Resolve(key, Input, out var error));
        Assert.StartsWith($"routingKey {key}: ", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_without_input_cannot_resolve_a_path()
    {
        Assert.Null(RoutingKeys.Resolve("$.customerId", null, out var error));
        Assert.Equal("routingKey $.customerId: the workflow input has no value at $.customerId", error);
    }

    [Fact]
    public void Each_node_takes_its_own_key_else_the_workflows_unless_it_names_its_executor()
    {
        var definition = WorkflowDefinitionParser.Parse("""
            {"name":"k","routingKey":"$.customerId","nodes":[
              {"id":"own","capability":"noop","routingKey":"fixed"},
              {"id":"inherits","capability":"noop"},
              {"id":"named","capability":"noop","executor":"worker-7"}]}
            """).Definition!;
        var errors = new List<DefinitionError>();

        var keys = RoutingKeys.ResolveAll(definition, Input, errors);

        Assert.Empty(errors);
        Assert.Equal(new Dictionary<string, string> { ["own"] = "fixed", ["inherits"] = "c-42" }, keys);
    }

    [Fact]
    public void Every_key_the_input_cannot_resolve_is_reported_with_its_node()
    {
        var definition = WorkflowDefinitionParser.Parse("""
            {"name":"k","nodes":[{"id":"a","capability":"noop","routingKey":"$.missing"},{"id":"b","capability":"noop","routingKey":"$.order"}]}
            """).Definition!;
        var errors = new List<DefinitionError>();

        RoutingKeys.ResolveAll(definition, Input, errors);

        Assert.Equal([("a", UnresolvedRoutingKey), ("b", UnresolvedRoutingKey)], errors.Select(e => (e.NodeId, e.Code)));
    }

    [Theory]
    [InlineData("", "routingKey must not be empty")]
    [InlineData("$customerId", "starts with '$', so it is a path into the workflow input")]
    [InlineData("$.", "starts with '$', so it is a path into the workflow input")]
    [InlineData("$.a[x]", "starts with '$', so it is a path into the workflow input")]
    [InlineData("$.a b", "starts with '$', so it is a path into the workflow input")]
    public void A_malformed_key_is_refused_for_the_node_and_the_workflow(string key, string reason)
    {
        var errors = WorkflowDefinitionValidator.Validate(new WorkflowDefinition
        {
            Name = "w",
            RoutingKey = key,
            Nodes = [new NodeDefinition { Id = "a", Capability = "noop", RoutingKey = key }],
        });

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(InvalidRoutingKey, e.Code));
        Assert.All(errors, e => Assert.Contains(reason, e.Message, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.NodeId == "a");
        Assert.Contains(errors, e => e.NodeId is null && e.Message.StartsWith("the workflow's routingKey", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_longer_than_its_column_is_refused()
    {
        var errors = WorkflowDefinitionValidator.Validate(new WorkflowDefinition
        {
            Name = "w",
            Nodes = [new NodeDefinition { Id = "a", Capability = "noop", RoutingKey = new string('k', 201) }],
        });

        Assert.Equal("routingKey is 201 characters; at most 200 are allowed", Assert.Single(errors).Message);
    }

    [Fact]
    public void A_node_cannot_both_name_its_executor_and_carry_a_key()
    {
        var refused = WorkflowDefinitionParser.ParseAndValidate(
            """{"name":"k","nodes":[{"id":"a","capability":"noop","executor":"worker-7","routingKey":"tenant-7"}]}""", out _);

        var error = Assert.Single(refused);
        Assert.Equal((InvalidTarget, "a"), (error.Code, error.NodeId));
        Assert.Contains("cannot also name one", error.Message, StringComparison.Ordinal);
    }
}
