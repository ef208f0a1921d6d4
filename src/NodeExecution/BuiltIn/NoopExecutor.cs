namespace SagaWorkflow.NodeExecution.BuiltIn;

/// <summary><c>noop</c>: succeeds at once with no output. For wiring tests and benchmarks of the orchestrator itself.</summary>
public sealed class NoopExecutor : INodeExecutor
{
    public string Capability => "noop";

    public Task<NodeExecutionResult> ExecuteAsync(NodeExecutionRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(NodeExecutionResult.Success());
}
