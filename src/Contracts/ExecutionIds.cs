namespace SagaWorkflow.Contracts;

/// <summary>Reads an execution id (<c>workflow/node/attempt</c>, see <see cref="ExecuteNode.ExecutionIdFor"/>) back into its parts.</summary>
public static class ExecutionIds
{
    public static bool TryParse(string executionId, out Guid workflowId, out string nodeId, out int attempt)
    {
        nodeId = "";
        attempt = 0;
        workflowId = Guid.Empty;
        var first = executionId.IndexOf('/', StringComparison.Ordinal);
        var last = executionId.LastIndexOf('/');
        if (first <= 0 || last <= first + 1)
            return false;
        nodeId = executionId[(first + 1)..last];
        return Guid.TryParse(executionId.AsSpan(0, first), out workflowId)
            && int.TryParse(executionId.AsSpan(last + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out attempt);
    }
}
