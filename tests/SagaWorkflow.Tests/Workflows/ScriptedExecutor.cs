using System.Text.Json;
using MassTransit;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Tests.Workflows;

/// <summary>
/// A test executor on <c>node.test</c> whose behaviour is read from the node input:
/// <c>{"hold":true}</c> answers nothing (the test answers instead), <c>{"fail":"why","retryable":false}</c> fails,
/// <c>{"failUntilAttempt":n}</c> fails attempts below n; anything else succeeds with its id, attempt and dependency ids.
/// </summary>
public sealed class ScriptedExecutor : IConsumer<ExecuteNode>
{
    public const string Capability = "test";

    public async Task Consume(ConsumeContext<ExecuteNode> context)
    {
        var m = context.Message;
        var input = m.Input ?? default;
        if (Flag(input, "hold"))
            return;
        await context.Publish(new NodeStarted { WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = "scripted" });

        var isObject = input.ValueKind == JsonValueKind.Object;
        var failUntil = isObject && input.TryGetProperty("failUntilAttempt", out var n) ? n.GetInt32() : 0;
        var why = isObject && input.TryGetProperty("fail", out var w) ? w : default;
        if (why.ValueKind != JsonValueKind.Undefined || m.Attempt < failUntil)
        {
            await context.Publish(new NodeFailed
            {
                WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = "scripted",
                Error = why.ValueKind == JsonValueKind.String ? why.GetString()! : $"attempt {m.Attempt} fails",
                Retryable = !isObject || !input.TryGetProperty("retryable", out var r) || r.GetBoolean(),
            });
            return;
        }

        var output = JsonSerializer.SerializeToElement(new { node = m.NodeId, attempt = m.Attempt, deps = m.DependencyOutputs.Keys.Order().ToArray() });
        await context.Publish(new NodeCompleted { WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = "scripted", Output = output });
    }

    private static bool Flag(JsonElement input, string name) =>
        input.ValueKind == JsonValueKind.Object && input.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
