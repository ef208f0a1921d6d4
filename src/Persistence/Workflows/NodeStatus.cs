namespace SagaWorkflow.Persistence.Workflows;

/// <summary>Lifecycle of a node. Stored as lower-case text (<c>succeeded</c>, ...) so SQL reads naturally.</summary>
public enum NodeStatus
{
    Pending,
    Dispatched,
    Running,
    Succeeded,
    Failed,
    Retrying,
    Cancelled,
    Skipped,

    /// <summary>Its executor was lost and the node's policy is <c>park</c>: it waits for an operator to resolve it.</summary>
    InDoubt,
}
