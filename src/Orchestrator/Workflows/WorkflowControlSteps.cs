using MassTransit;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// Operator control of a whole workflow: pause (dispatch nothing new), resume, and retry after failure or cancellation.
/// While paused, <see cref="WorkflowSteps"/> holds back pending nodes and due retries; results still apply.
/// </summary>
public sealed class WorkflowControlSteps(NodeActions actions, ILogger<WorkflowControlSteps> logger)
{
    /// <summary>The saga state name while paused (the state machine's <c>Paused</c> state).</summary>
    public const string PausedState = "Paused";

    private DateTime Now => actions.Now;

    public static bool IsPaused(WorkflowState saga) => saga.CurrentState == PausedState;

    public void Pause(BehaviorContext<WorkflowState, PauseWorkflow> context)
    {
        context.Saga.UpdatedAt = Now;
        logger.LogInformation("Workflow {WorkflowId} paused: {Reason}", context.Saga.CorrelationId, context.Message.Reason);
    }

    /// <summary>Dispatches what became ready while paused: pending nodes whose dependencies succeeded, and due retries.</summary>
    public async Task ResumeAsync(BehaviorContext<WorkflowState, ResumeWorkflow> context)
    {
        var dueRetries = context.Saga.Nodes.Where(n => n.State == NodeStatus.Retrying && n.NextAttemptAt <= Now).ToList();
        // Resume runs before the transition back to Running, so it names its own dispatches as allowed.
        var ready = WorkflowGraph.Of(context).ReadyNodes().Concat(dueRetries).ToList();
        context.Saga.UpdatedAt = Now;
        logger.LogInformation("Workflow {WorkflowId} resumed: dispatching {Count} node(s)", context.Saga.CorrelationId, ready.Count);
        await actions.DispatchAsync(context, ready, evenIfPaused: true);
    }

    /// <summary>Failed, cancelled and skipped nodes start over (fresh retry budget, attempt numbers continue); succeeded ones stay.</summary>
    public async Task RetryAsync(BehaviorContext<WorkflowState, RetryWorkflow> context)
    {
        var saga = context.Saga;
        var definition = RunDefinition.Of(saga);
        var again = saga.Nodes.Where(n => n.State is NodeStatus.Failed or NodeStatus.Cancelled or NodeStatus.Skipped).ToList();
        foreach (var node in again)
            node.Reset(definition.MaxAttemptsOf(node.NodeId));

        var previousState = saga.CurrentState;
        saga.FailedNodeId = null;
        saga.FailureReason = null;
        saga.FinishedAt = null;
        saga.UpdatedAt = Now;
        var ready = WorkflowGraph.Of(context).ReadyNodes();
        logger.LogInformation("Workflow {WorkflowId} retried from {State}: {Count} node(s) reset, {Ready} dispatched: {Reason}",
            saga.CorrelationId, previousState, again.Count, ready.Count, context.Message.Reason);
        await actions.DispatchAsync(context, ready, evenIfPaused: true);
        await context.Publish(new WorkflowStarted
        {
            WorkflowId = saga.CorrelationId,
            DefinitionName = saga.DefinitionName,
            DefinitionVersion = saga.DefinitionVersion,
            NodeCount = saga.Nodes.Count,
            Timestamp = Now,
        });
    }

    /// <summary>The definition's workflow timeout, re-armed from the retry (the old deadline was for the first run).</summary>
    public static TimeSpan? TimeoutOf(WorkflowState saga) => RunDefinition.Of(saga).Timeout;

    public void Ignore<T>(BehaviorContext<WorkflowState, T> context)
        where T : class =>
        logger.LogInformation("{Command} for workflow {WorkflowId} ignored: it is {State}", typeof(T).Name, context.Saga.CorrelationId, context.Saga.CurrentState);
}
