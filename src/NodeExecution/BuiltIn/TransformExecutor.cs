using System.Text.Json;
using System.Text.Json.Nodes;

namespace SagaWorkflow.NodeExecution.BuiltIn;

/// <summary>
/// <c>transform</c>: returns its input object with one property per dependency holding that dependency's output,
/// so the data flowing through a workflow is visible in each node's output. A non-object input goes under <c>input</c>.
/// </summary>
public sealed class TransformExecutor : INodeExecutor
{
    public string Capability => "transform";

    public Task<NodeExecutionResult> ExecuteAsync(NodeExecutionRequest request, CancellationToken cancellationToken)
    {
        var output = request.Input switch
        {
            { ValueKind: JsonValueKind.Object } input => JsonObject.Create(input)!,
            { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } input => new JsonObject { ["input"] = JsonNode.Parse(input.GetRawText()) },
            _ => new JsonObject(),
        };
        foreach (var (nodeId, dependencyOutput) in request.DependencyOutputs.OrderBy(d => d.Key, StringComparer.Ordinal))
            output[nodeId] = JsonNode.Parse(dependencyOutput.GetRawText());
        return Task.FromResult(NodeExecutionResult.Success(JsonSerializer.SerializeToElement(output)));
    }
}
