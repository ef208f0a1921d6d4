namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>What <see cref="WorkflowGraph.CheckResult(string, int)"/> says about an arriving node result.</summary>
public enum ResultCheck
{
    /// <summary>For the node's current, in-flight attempt: apply it.</summary>
    Current,

    /// <summary>For an older (or never issued) attempt: a fenced-off writer; log and ignore.</summary>
    StaleAttempt,

    /// <summary>For the current attempt, but the node already settled (duplicate delivery, or cancelled): ignore.</summary>
    AlreadySettled,

    /// <summary>Names a node the workflow does not have.</summary>
    UnknownNode,
}
