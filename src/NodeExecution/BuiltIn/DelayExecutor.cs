using System.Text.Json;

namespace SagaWorkflow.NodeExecution.BuiltIn;

/// <summary><c>delay</c>: waits <c>input.ms</c> milliseconds, stopping early when the attempt is cancelled.</summary>
public sealed class DelayExecutor(TimeProvider time) : INodeExecutor
{
    public string Capability => "delay";

    public async Task<NodeExecutionResult> ExecuteAsync(NodeExecutionRequest request, CancellationToken cancellationToken)
    {
        if (request.Input is not { ValueKind: JsonValueKind.Object } input
            || !input.TryGetProperty("ms", out var ms) || ms.ValueKind != JsonValueKind.Number
            || !ms.TryGetInt64(out var milliseconds) || milliseconds < 0)
            return NodeExecutionResult.Failure("delay needs input.ms, a non-negative whole number of milliseconds", retryable: false);

        await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), time, cancellationToken);
        return NodeExecutionResult.Success(new { waitedMs = milliseconds });
    }
}
