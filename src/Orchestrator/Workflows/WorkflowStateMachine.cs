using MassTransit;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// One saga per workflow run. Validates and starts it, dispatches ready nodes to their capability queues,
/// applies node results (fenced by attempt) and settles the run. The DAG rules live in <see cref="WorkflowGraph"/>, a
/// node's state changes in <see cref="WorkflowNodeState"/>, and the steps (<see cref="WorkflowSteps"/>,
/// <see cref="NodeResultSteps"/>, <see cref="FailoverSteps"/>, <see cref="WorkflowControlSteps"/>) say what each event
/// does; this class only wires events to states, with the endings of <see cref="WorkflowTransitions"/>.
/// </summary>
public sealed class WorkflowStateMachine : MassTransitStateMachine<WorkflowState>
{
    public WorkflowStateMachine(WorkflowSteps steps, NodeResultSteps nodes, FailoverSteps failover, WorkflowControlSteps control)
    {
        InstanceState(x => x.CurrentState);

        // A start without an id takes its message id, so a redelivered command cannot start a second run.
        Event(() => Start, e => e.CorrelateById(c => c.Message.WorkflowId ?? c.MessageId ?? Guid.Empty));
        // Results and commands for a workflow we do not have are faults, so they reach the error queue with a reason.
        Event(() => Cancel, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => NodeStarted, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => NodeCompleted, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => NodeFailed, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => TimedOut, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => RetryDue, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Recover, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Reassign, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Available, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Resolve, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => Pause, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => Resume, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => RetryRun, e => { e.CorrelateById(c => c.Message.WorkflowId); e.OnMissingInstance(m => m.Fault()); });

        // The workflow deadline: MassTransit's Schedule keeps the token on the row and drops a timer whose token is stale.
        Schedule(() => Deadline, x => x.DeadlineTokenId, s => s.Received = r => r.CorrelateById(c => c.Message.WorkflowId));

        Initially(
            When(Start)
                .IfElseAsync(WorkflowSteps.IsValidAsync,
                    accepted => accepted
                        .ThenAsync(steps.StartAsync)
                        .If(c => StartDefinition.Of(c).Definition!.Timeout is not null,
                            timed => timed.Schedule(Deadline, c => new WorkflowTimedOut { WorkflowId = c.Saga.CorrelationId },
                                c => StartDefinition.Of(c).Definition!.Timeout!.Value))
                        .TransitionTo(Running),
                    rejected => rejected
                        .ThenAsync(steps.RejectAsync)
                        .Finalize()));

        // Paused handles everything Running does (results apply, failures fail the run); only new dispatches are held.
        During(Running, Paused,
            When(NodeStarted).ThenAsync(nodes.RecordStartedAsync),
            When(NodeCompleted).ThenAsync(nodes.ApplyCompletedAsync).CompleteIfAllSucceeded(this, steps),
            When(NodeFailed, c => !c.Message.ExecutorLost).ThenAsync(nodes.ApplyFailedAsync).FailIfANodeFailed(this, steps),
            When(NodeFailed, c => c.Message.ExecutorLost).ThenAsync(failover.RedeliveredUnrunAsync).FailIfANodeFailed(this, steps),
            When(TimedOut).ThenAsync(nodes.TimedOutAsync).FailIfANodeFailed(this, steps),
            When(Deadline.Received).ThenAsync(steps.DeadlinePassedAsync).TransitionTo(Failed),
            When(RetryDue).ThenAsync(nodes.RetryAsync),
            When(Recover).ThenAsync(nodes.RecoverAsync),
            When(Reassign).ThenAsync(failover.ReassignAsync).FailIfANodeFailed(this, steps),
            When(Resolve).ThenAsync(failover.ResolveAsync).FailOrCompleteIfDone(this, steps),
            When(Cancel).ThenAsync(steps.CancelAsync).Unschedule(Deadline).TransitionTo(Cancelled),
            When(Available).Then(failover.ExecutorAvailable),
            When(RetryRun).Then(control.Ignore));

        During(Running,
            When(Pause).Then(control.Pause).TransitionTo(Paused),
            When(Resume).Then(control.Ignore));
        During(Paused,
            When(Resume).ThenAsync(control.ResumeAsync).TransitionTo(Running),
            When(Pause).Then(control.Ignore));

        // Retry re-opens a run that failed or was cancelled; its deadline, if the definition has one, starts again.
        During(Failed, Cancelled,
            When(RetryRun)
                .ThenAsync(control.RetryAsync)
                .If(c => WorkflowControlSteps.TimeoutOf(c.Saga) is not null,
                    timed => timed.Schedule(Deadline, c => new WorkflowTimedOut { WorkflowId = c.Saga.CorrelationId },
                        c => WorkflowControlSteps.TimeoutOf(c.Saga)!.Value))
                .TransitionTo(Running));
        During(Completed, When(RetryRun).Then(control.Ignore));

        // A finished run still records what its in-flight attempts reported, but dispatches nothing more.
        During(Completed, Failed, Cancelled,
            When(NodeStarted).ThenAsync(nodes.RecordLateAsync),
            When(NodeCompleted).ThenAsync(nodes.RecordLateAsync),
            When(NodeFailed).ThenAsync(nodes.RecordLateAsync),
            When(Cancel).Then(steps.IgnoreCancel),
            Ignore(Recover),
            Ignore(Reassign),
            Ignore(Available),
            When(Resolve).Then(c => throw new InvalidOperationException(
                $"workflow {c.Saga.CorrelationId} is already {c.Saga.CurrentState}; node '{c.Message.NodeId}' cannot be resolved")),
            Ignore(RetryDue),
            Ignore(TimedOut),
            Ignore(Deadline.Received),
            When(Pause).Then(control.Ignore),
            When(Resume).Then(control.Ignore));

        DuringAny(When(Start).Then(steps.IgnoreDuplicateStart));

        // Only a rejected start finalizes; it is discarded, so an invalid definition leaves no row behind.
        SetCompletedWhenFinalized();
    }

    public State Running { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;
    public State Paused { get; private set; } = null!;

    public Schedule<WorkflowState, WorkflowTimedOut> Deadline { get; private set; } = null!;

    public Event<StartWorkflow> Start { get; private set; } = null!;
    public Event<CancelWorkflow> Cancel { get; private set; } = null!;
    public Event<NodeStarted> NodeStarted { get; private set; } = null!;
    public Event<NodeCompleted> NodeCompleted { get; private set; } = null!;
    public Event<NodeFailed> NodeFailed { get; private set; } = null!;
    public Event<RecoverNode> Recover { get; private set; } = null!;
    public Event<RetryNode> RetryDue { get; private set; } = null!;
    public Event<NodeTimedOut> TimedOut { get; private set; } = null!;
    public Event<ReassignNodes> Reassign { get; private set; } = null!;
    public Event<ExecutorAvailable> Available { get; private set; } = null!;
    public Event<ResolveNode> Resolve { get; private set; } = null!;
    public Event<PauseWorkflow> Pause { get; private set; } = null!;
    public Event<ResumeWorkflow> Resume { get; private set; } = null!;
    public Event<RetryWorkflow> RetryRun { get; private set; } = null!;
}
