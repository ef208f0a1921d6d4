namespace SagaWorkflow.NodeExecution;

/// <summary>
/// A plug-in that runs nodes of one capability. Register implementations as <c>INodeExecutor</c> singletons; the host
/// consumes <c>node.&lt;Capability&gt;</c> for each. Expected failures are returned, not thrown; a thrown exception
/// still becomes a retryable <c>NodeFailed</c>.
/// </summary>
public interface INodeExecutor
{
    string Capability { get; }

    Task<NodeExecutionResult> ExecuteAsync(NodeExecutionRequest request, CancellationToken cancellationToken);
}
