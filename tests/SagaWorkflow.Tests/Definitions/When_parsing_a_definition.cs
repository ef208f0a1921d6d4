using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Tests.Definitions;

public sealed class When_parsing_a_definition
{
    [Fact]
    public void Comments_trailing_commas_and_short_durations_are_accepted()
    {
        var (definition, errors) = WorkflowDefinitionParser.Parse("""
            { // a comment
              "name": "w", "timeout": "5m",
              "nodes": [ { "id": "a", "capability": "noop", "timeout": "500ms",
                           "retry": { "maxAttempts": 3, "initialDelay": "00:00:02", "maxDelay": "1h" } }, ],
            }
            """);

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMinutes(5), definition!.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), definition.Nodes[0].Timeout);
        Assert.Equal(TimeSpan.FromHours(1), definition.Nodes[0].Retry!.MaxDelay);
    }

    [Fact]
    public void A_misspelt_property_is_an_error_naming_its_path()
    {
        var (definition, errors) = WorkflowDefinitionParser.Parse("""{ "name": "w", "nodes": [ { "id": "a", "capability": "noop", "depends": [] } ] }""");

        Assert.Null(definition);
        var error = Assert.Single(errors);
        Assert.Equal(DefinitionErrorCodes.Json, error.Code);
        Assert.Contains("depends", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"name\": ", "line")]
    [InlineData("{ \"name\": \"w\", \"nodes\": 5 }", "$.nodes")]
    [InlineData("{ \"name\": \"w\", \"timeout\": \"soon\" }", "soon")]
    public void Malformed_json_becomes_an_error_not_an_exception(string json, string mentioned)
    {
        var (definition, errors) = WorkflowDefinitionParser.Parse(json);

        Assert.Null(definition);
        Assert.Contains(mentioned, Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_definition_survives_a_round_trip_through_json()
    {
        var (definition, _) = WorkflowDefinitionParser.Parse(File.ReadAllText(RepositoryPaths.Example("chain.json")));

        var (again, errors) = WorkflowDefinitionParser.Parse(WorkflowDefinitionParser.ToJson(definition!));

        Assert.Empty(errors);
        Assert.Equal(WorkflowDefinitionParser.ToJson(definition!), WorkflowDefinitionParser.ToJson(again!));
        Assert.Equal(definition!.Nodes[1].Retry, again!.Nodes[1].Retry);
    }

    [Fact]
    public void Every_shipped_example_but_the_invalid_one_is_valid()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "examples"), "*.json"))
        {
            var errors = WorkflowDefinitionParser.ParseAndValidate(File.ReadAllText(file), out _);
            if (Path.GetFileName(file) == "invalid.json")
                Assert.True(errors.Count >= 4, $"invalid.json should show several problems, shows {errors.Count}");
            else
                Assert.True(errors.Count == 0, $"{file}: {string.Join("; ", errors)}");
        }
    }
}
