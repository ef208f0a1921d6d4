using MassTransit;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// The endings a step may lead to, each one line in <see cref="WorkflowStateMachine"/>: a node that failed for good
/// fails the run; the last node succeeding completes it. Both cancel the workflow deadline.
/// </summary>
public static class WorkflowTransitions
{
    /// <summary>When the step left a node failed for good (<see cref="WorkflowState.FailedNodeId"/>): fail the run.</summary>
    public static EventActivityBinder<WorkflowState, T> FailIfANodeFailed<T>(this EventActivityBinder<WorkflowState, T> binder,
        WorkflowStateMachine machine, WorkflowSteps steps)
        where T : class =>
        binder.If(c => c.Saga.FailedNodeId is not null, failed => failed.FailRun(machine, steps));

    /// <summary>When every node has succeeded: complete the run.</summary>
    public static EventActivityBinder<WorkflowState, T> CompleteIfAllSucceeded<T>(this EventActivityBinder<WorkflowState, T> binder,
        WorkflowStateMachine machine, WorkflowSteps steps)
        where T : class =>
        binder.If(c => WorkflowGraph.Of(c).AllSucceeded, done => done.CompleteRun(machine, steps));

    /// <summary>A resolve either fails the run (the operator failed the node) or may complete it (succeeded).</summary>
    public static EventActivityBinder<WorkflowState, T> FailOrCompleteIfDone<T>(this EventActivityBinder<WorkflowState, T> binder,
        WorkflowStateMachine machine, WorkflowSteps steps)
        where T : class =>
        binder.IfElse(c => c.Saga.FailedNodeId is not null,
            failed => failed.FailRun(machine, steps),
            other => other.CompleteIfAllSucceeded(machine, steps));

    private static EventActivityBinder<WorkflowState, T> FailRun<T>(this EventActivityBinder<WorkflowState, T> binder, WorkflowStateMachine machine,
        WorkflowSteps steps)
        where T : class =>
        binder.ThenAsync(steps.FailAsync).Unschedule(machine.Deadline).TransitionTo(machine.Failed);

    private static EventActivityBinder<WorkflowState, T> CompleteRun<T>(this EventActivityBinder<WorkflowState, T> binder,
        WorkflowStateMachine machine, WorkflowSteps steps)
        where T : class =>
        binder.ThenAsync(steps.CompleteAsync).Unschedule(machine.Deadline).TransitionTo(machine.Completed);
}
