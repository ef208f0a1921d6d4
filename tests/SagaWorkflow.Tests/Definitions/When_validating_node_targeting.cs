using SagaWorkflow.Contracts.Definitions;
using static SagaWorkflow.Contracts.Definitions.DefinitionErrorCodes;

namespace SagaWorkflow.Tests.Definitions;

/// <summary>Where a node may run (pool or one executor) and what happens when its executor is lost.</summary>
public sealed class When_validating_node_targeting
{
    private static IReadOnlyList<DefinitionError> Errors(NodeDefinition node) =>
        WorkflowDefinitionValidator.Validate(new WorkflowDefinition { Name = "w", Nodes = [node] });

    private static NodeDefinition Node() => new() { Id = "a", Capability = "noop" };

    [Theory]
    [InlineData("redispatch")]
    [InlineData("fail")]
    [InlineData("park")]
    public void Each_on_executor_lost_policy_is_accepted(string policy) => Assert.Empty(Errors(Node() with { OnExecutorLost = policy }));

    [Theory]
    [InlineData("retry")]
    [InlineData("Park")]
    [InlineData("")]
    public void Another_on_executor_lost_value_is_reported_with_the_allowed_ones(string policy)
    {
        var error = Assert.Single(Errors(Node() with { OnExecutorLost = policy }));

        Assert.Equal((InvalidOnExecutorLost, "a"), (error.Code, error.NodeId));
        Assert.Contains("redispatch, fail, park", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EU")]
    [InlineData("eu west")]
    [InlineData("")]
    public void A_pool_that_cannot_name_a_queue_is_reported(string pool)
    {
        var error = Assert.Single(Errors(Node() with { Pool = pool }));

        Assert.Equal((InvalidTarget, "a"), (error.Code, error.NodeId));
        Assert.Contains("node.<capability>.<pool>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_executor_id_with_a_slash_is_reported()
    {
        var error = Assert.Single(Errors(Node() with { Executor = "worker/7" }));

        Assert.Equal(InvalidTarget, error.Code);
        Assert.Contains("worker/7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_naming_both_a_pool_and_an_executor_is_reported_and_either_alone_is_fine()
    {
        var error = Assert.Single(Errors(Node() with { Pool = "eu", Executor = "worker-7" }));

        Assert.Equal(InvalidTarget, error.Code);
        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
        Assert.Empty(Errors(Node() with { Pool = "eu" }));
        Assert.Empty(Errors(Node() with { Executor = "worker-7" }));
    }
}
