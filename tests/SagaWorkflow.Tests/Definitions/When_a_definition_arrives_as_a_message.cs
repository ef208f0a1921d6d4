using System.Text.Json;
using MassTransit.Serialization;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Tests.Definitions;

/// <summary>
/// The broker's plain-JSON door (<c>workflow-submit</c>) reads <c>StartWorkflow</c> with MassTransit's serializer options,
/// not the definition parser's: durations must read the same there ("2s" used to fault into workflow-submit_error).
/// </summary>
public sealed class When_a_definition_arrives_as_a_message
{
    [Fact]
    public void Short_durations_are_read_as_the_parser_reads_them()
    {
        const string json = """
            { "name": "w", "timeout": "5m",
              "nodes": [ { "id": "a", "capability": "noop", "timeout": "2s",
                           "retry": { "maxAttempts": 2, "initialDelay": "250ms", "maxDelay": "1h" } } ] }
            """;

        var definition = JsonSerializer.Deserialize<WorkflowDefinition>(json, SystemTextJsonMessageSerializer.Options)!;

        Assert.Equal(TimeSpan.FromMinutes(5), definition.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), definition.Nodes[0].Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), definition.Nodes[0].Retry!.InitialDelay);
        Assert.Equal(TimeSpan.FromHours(1), definition.Nodes[0].Retry!.MaxDelay);
    }

    [Fact]
    public void Durations_are_written_in_the_constant_format_every_reader_takes()
    {
        var json = JsonSerializer.Serialize(new NodeDefinition { Id = "a", Capability = "noop", Timeout = TimeSpan.FromSeconds(2) },
            SystemTextJsonMessageSerializer.Options);

        Assert.Contains("\"00:00:02\"", json, StringComparison.Ordinal);
    }
}
