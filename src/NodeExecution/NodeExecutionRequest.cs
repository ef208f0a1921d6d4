using System.Text.Json;

namespace SagaWorkflow.NodeExecution;

/// <summary>What an executor gets for one attempt: the node's input, its dependencies' outputs and the ids that fence it.</summary>
public sealed record NodeExecutionRequest(
    Guid WorkflowId,
    string NodeId,
    int Attempt,
    string ExecutionId,
    JsonElement? Input,
    IReadOnlyDictionary<string, JsonElement> DependencyOutputs,
    JsonElement? WorkflowInput);
