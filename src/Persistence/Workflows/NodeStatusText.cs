namespace SagaWorkflow.Persistence.Workflows;

/// <summary>How a <see cref="NodeStatus"/> reads in SQL: snake_case (<c>running</c>, <c>in_doubt</c>).</summary>
public static class NodeStatusText
{
    public static string Of(NodeStatus status) => SnakeCaseNames.ToSnakeCase(status.ToString());

    public static NodeStatus Parse(string text) => Enum.Parse<NodeStatus>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);
}
