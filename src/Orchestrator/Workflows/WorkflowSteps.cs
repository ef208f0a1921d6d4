using MassTransit;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;
using SagaWorkflow.Orchestrator.Metrics;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// The run as a whole: start (or reject), complete, fail, cancel, the workflow deadline, duplicate starts. What happens to
/// single nodes is in <see cref="NodeResultSteps"/> and <see cref="FailoverSteps"/>; all of them act through
/// <see cref="NodeActions"/>.
/// </summary>
public sealed class WorkflowSteps(NodeActions actions, ILogger<WorkflowSteps> logger)
{
    private DateTime Now => actions.Now;

    /// <summary>Resolves the run's definition (inline, or registered by name) and validates it; the result is kept for the steps.</summary>
    public static async Task<bool> IsValidAsync(BehaviorContext<WorkflowState, StartWorkflow> context) =>
        (await StartDefinition.ResolveAsync(context)).Errors.Count == 0;

    public async Task RejectAsync(BehaviorContext<WorkflowState, StartWorkflow> context)
    {
        var errors = StartDefinition.Of(context).Errors;
        logger.LogWarning("Workflow {WorkflowId} rejected: {Errors}", context.Saga.CorrelationId, string.Join("; ", errors));
        await context.Publish(new WorkflowRejected { WorkflowId = context.Saga.CorrelationId, Errors = errors, Timestamp = Now });
    }

    public async Task StartAsync(BehaviorContext<WorkflowState, StartWorkflow> context)
    {
        var start = StartDefinition.Of(context);
        var definition = start.Definition!;
        WorkflowRun.Initialize(context.Saga, definition, context.Message, Now, start.RoutingKeys);
        await actions.DispatchAsync(context, WorkflowGraph.Of(context).ReadyNodes());
        WorkflowMetrics.WorkflowStarted(context, definition.Name);
        logger.LogInformation("Workflow {WorkflowId} ({Definition} v{Version}) started with {NodeCount} nodes",
            context.Saga.CorrelationId, definition.Name, definition.Version, definition.Nodes.Count);
        await context.Publish(new WorkflowStarted
        {
            WorkflowId = context.Saga.CorrelationId,
            DefinitionName = definition.Name,
            DefinitionVersion = definition.Version,
            NodeCount = definition.Nodes.Count,
            Timestamp = Now,
        });
    }

    /// <summary>The workflow deadline passed: running attempts are told to stop, nothing more runs, the run fails.</summary>
    public async Task DeadlinePassedAsync(BehaviorContext<WorkflowState, WorkflowTimedOut> context)
    {
        context.Saga.FailureReason = $"workflow timed out after {RunDefinition.Of(context.Saga).Timeout}";
        await actions.CancelUnsettledAsync(context, "workflow timed out", skipPending: true);
        await FailAsync(context);
    }

    public async Task CompleteAsync<T>(BehaviorContext<WorkflowState, T> context)
        where T : class
    {
        var outputs = WorkflowGraph.Of(context).SinkOutputs();
        context.Saga.OutputJson = NodeJson.Write(outputs);
        Finish(context.Saga);
        WorkflowMetrics.WorkflowCompleted(context, context.Saga.DefinitionName);
        logger.LogInformation("Workflow {WorkflowId} completed", context.Saga.CorrelationId);
        await context.Publish(new WorkflowCompleted { WorkflowId = context.Saga.CorrelationId, Outputs = outputs, Timestamp = Now });
    }

    public async Task FailAsync<T>(BehaviorContext<WorkflowState, T> context)
        where T : class
    {
        // Nodes that never started will never run; in-flight ones finish and are recorded as they report.
        foreach (var pending in context.Saga.Nodes.Where(n => n.State == NodeStatus.Pending))
            pending.Skip();
        Finish(context.Saga);
        WorkflowMetrics.WorkflowFailed(context, context.Saga.DefinitionName);
        logger.LogWarning("Workflow {WorkflowId} failed: {Reason}", context.Saga.CorrelationId, context.Saga.FailureReason);
        await context.Publish(new WorkflowFailed
        {
            WorkflowId = context.Saga.CorrelationId,
            NodeId = context.Saga.FailedNodeId,
            Error = context.Saga.FailureReason ?? "",
            Timestamp = Now,
        });
    }

    public async Task CancelAsync(BehaviorContext<WorkflowState, CancelWorkflow> context)
    {
        await actions.CancelUnsettledAsync(context, "workflow cancelled", skipPending: false);
        context.Saga.FailureReason = "cancelled" + (context.Message.Reason is { } reason ? ": " + reason : "");
        Finish(context.Saga);
        WorkflowMetrics.WorkflowCancelled(context, context.Saga.DefinitionName);
        logger.LogInformation("Workflow {WorkflowId} cancelled: {Reason}", context.Saga.CorrelationId, context.Message.Reason);
        await context.Publish(new WorkflowCancelled { WorkflowId = context.Saga.CorrelationId, Reason = context.Message.Reason, Timestamp = Now });
    }

    public void IgnoreCancel(BehaviorContext<WorkflowState, CancelWorkflow> context) =>
        logger.LogInformation("Cancel of workflow {WorkflowId} ignored: it is already {State}", context.Saga.CorrelationId, context.Saga.CurrentState);

    public void IgnoreDuplicateStart(BehaviorContext<WorkflowState, StartWorkflow> context) =>
        logger.LogInformation("Duplicate start of workflow {WorkflowId} ignored: it is already {State}", context.Saga.CorrelationId, context.Saga.CurrentState);

    private void Finish(WorkflowState saga)
    {
        saga.FinishedAt = Now;
        saga.UpdatedAt = saga.FinishedAt.Value;
    }
}
