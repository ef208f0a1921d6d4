using System.Text.Json;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>Builds a run's rows from its definition, and the commands that run its nodes.</summary>
public static class WorkflowRun
{
    /// <summary>
    /// The run's row and its pending node rows; <paramref name="routingKeys"/> are the nodes' routing keys, resolved
    /// against the run's input (<see cref="RoutingKeys.ResolveAll"/>).
    /// </summary>
    public static void Initialize(WorkflowState saga, WorkflowDefinition definition, StartWorkflow message, DateTime now,
        IReadOnlyDictionary<string, string>? routingKeys = null)
    {
        saga.DefinitionName = definition.Name;
        saga.DefinitionVersion = definition.Version;
        saga.DefinitionJson = WorkflowDefinitionParser.ToJson(definition);
        saga.InputJson = NodeJson.Write(message.Input);
        saga.TriggeredBy = string.IsNullOrWhiteSpace(message.Trigger) ? "message" : message.Trigger;
        saga.ScheduleId = message.ScheduleId;
        saga.ScheduledFireTime = message.ScheduledFireTime;
        saga.CreatedAt = now;
        saga.UpdatedAt = now;
        saga.Nodes = new NodeCollection(definition.Nodes
            .Select((node, ordinal) => WorkflowNodeState.Pending(
                saga.CorrelationId,
                node.Id,
                ordinal,
                node.Capability,
                maxAttempts: node.Retry?.MaxAttempts ?? 1,
                dependsOnJson: JsonSerializer.Serialize(node.DependsOn),
                inputJson: NodeJson.Write(node.Input),
                timeoutMs: node.Timeout is { } timeout ? (long)timeout.TotalMilliseconds : null,
                pool: node.Pool,
                targetExecutor: node.Executor,
                onExecutorLost: node.OnExecutorLost ?? WorkflowDefinitionValidator.OnExecutorLostPolicies[0],
                routingKey: routingKeys?.GetValueOrDefault(node.Id))));
    }

    public static ExecuteNode ExecuteCommand(WorkflowGraph graph, WorkflowNodeState node, string? workflowInputJson) => new()
    {
        WorkflowId = node.WorkflowId,
        NodeId = node.NodeId,
        Attempt = node.Attempt,
        Capability = node.Capability,
        Input = NodeJson.ParseOrNull(node.InputJson),
        DependencyOutputs = graph.DependencyOutputs(node.NodeId),
        WorkflowInput = NodeJson.ParseOrNull(workflowInputJson),
        ExecutionId = ExecuteNode.ExecutionIdFor(node.WorkflowId, node.NodeId, node.Attempt),
        OnExecutorLost = node.OnExecutorLost,
    };
}
