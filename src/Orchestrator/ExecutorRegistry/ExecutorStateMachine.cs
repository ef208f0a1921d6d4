using MassTransit;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence.Executors;

namespace SagaWorkflow.Orchestrator.ExecutorRegistry;

/// <summary>
/// One saga per executor id: keeps its <c>executors</c> row from announcements and heartbeats, and re-arms a
/// heartbeat-timeout schedule on each heartbeat. When the timeout fires the executor is Lost and
/// <see cref="ExecutorLost"/> is published (the failover consumer reassigns its nodes). A clean stop disarms it.
/// </summary>
public sealed class ExecutorStateMachine : MassTransitStateMachine<ExecutorState>
{
    public ExecutorStateMachine(ExecutorSteps steps)
    {
        InstanceState(x => x.CurrentState);

        Event(() => Announce, e => e.CorrelateById(c => ExecutorIdentity.CorrelationIdFor(c.Message.ExecutorId)));
        Event(() => Heartbeat, e => e.CorrelateById(c => ExecutorIdentity.CorrelationIdFor(c.Message.ExecutorId)));
        Event(() => Stop, e => { e.CorrelateById(c => ExecutorIdentity.CorrelationIdFor(c.Message.ExecutorId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Drain, e => { e.CorrelateById(c => ExecutorIdentity.CorrelationIdFor(c.Message.ExecutorId)); e.OnMissingInstance(m => m.Discard()); });
        Event(() => Drained, e => { e.CorrelateById(c => ExecutorIdentity.CorrelationIdFor(c.Message.ExecutorId)); e.OnMissingInstance(m => m.Discard()); });

        // MassTransit keeps the token on the row and drops a timeout whose token is not the newest (a heartbeat re-armed it).
        Schedule(() => HeartbeatTimeout, x => x.HeartbeatTimeoutTokenId,
            s => s.Received = r => r.CorrelateById(c => c.Message.ExecutorCorrelationId));

        Initially(
            When(Announce).ThenAsync(steps.OnlineAsync).Schedule(HeartbeatTimeout, TimeoutMessage, TimeoutDelay).TransitionTo(Online),
            // A heartbeat from an executor we have no row for (its announcement was handled before this table existed).
            When(Heartbeat).ThenAsync(steps.HeartbeatAsync).Schedule(HeartbeatTimeout, TimeoutMessage, TimeoutDelay).TransitionTo(Online));

        During(Online, Draining,
            When(Announce).ThenAsync(steps.OnlineAsync).Schedule(HeartbeatTimeout, TimeoutMessage, TimeoutDelay).TransitionTo(Online),
            When(Heartbeat, c => c.Message.InstanceId == c.Saga.InstanceId)
                .ThenAsync(steps.HeartbeatAsync)
                .Schedule(HeartbeatTimeout, TimeoutMessage, TimeoutDelay)
                .If(c => c.Message.Draining, draining => draining.TransitionTo(Draining)),
            When(Heartbeat, c => c.Message.InstanceId != c.Saga.InstanceId).Then(steps.ForeignHeartbeat),
            // Heartbeats missed while this orchestrator was cut off from the broker or its database prove nothing: wait one more window.
            When(HeartbeatTimeout.Received).IfElse(steps.MissedWhileCutOff,
                grace => grace.Then(steps.GraceAfterOutage).Schedule(HeartbeatTimeout, TimeoutMessage, TimeoutDelay),
                lost => lost.ThenAsync(steps.TimedOutAsync).TransitionTo(Lost)),
            When(Stop, c => c.Message.InstanceId == c.Saga.InstanceId).Then(steps.Stopped).Unschedule(HeartbeatTimeout).TransitionTo(Stopped),
            When(Stop, c => c.Message.InstanceId != c.Saga.InstanceId).Then(steps.ForeignStop));

        // A lost or stopped executor that speaks again (SIGCONT, a restart) is online again; its old attempts stay reassigned.
        During(Lost, Stopped,
            When(Announce).ThenAsync(steps.OnlineAsync).Schedule(HeartbeatTimeout, TimeoutMessage, TimeoutDelay).TransitionTo(Online),
            When(Heartbeat).ThenAsync(steps.ResumedAsync).Schedule(HeartbeatTimeout, TimeoutMessage, TimeoutDelay).TransitionTo(Online),
            Ignore(HeartbeatTimeout.Received),
            Ignore(Stop));

        DuringAny(
            When(Drain).Then(steps.DrainRequested),
            When(Drained).Then(steps.Drained));
    }

    /// <summary>Heartbeating and taking work. The property names are what <c>executors.current_state</c> holds.</summary>
    public State Online { get; private set; } = null!;
    public State Draining { get; private set; } = null!;
    public State Lost { get; private set; } = null!;
    public State Stopped { get; private set; } = null!;

    public Schedule<ExecutorState, ExecutorHeartbeatTimedOut> HeartbeatTimeout { get; private set; } = null!;

    public Event<ExecutorOnline> Announce { get; private set; } = null!;
    public Event<ExecutorHeartbeat> Heartbeat { get; private set; } = null!;
    public Event<ExecutorStopped> Stop { get; private set; } = null!;
    public Event<DrainExecutor> Drain { get; private set; } = null!;
    public Event<ExecutorDrained> Drained { get; private set; } = null!;

    private static ExecutorHeartbeatTimedOut TimeoutMessage<T>(BehaviorContext<ExecutorState, T> context)
        where T : class =>
        new() { ExecutorCorrelationId = context.Saga.CorrelationId, ExecutorId = context.Saga.ExecutorId };

    private static TimeSpan TimeoutDelay<T>(BehaviorContext<ExecutorState, T> context)
        where T : class =>
        TimeSpan.FromMilliseconds(context.Saga.HeartbeatTimeoutMs);
}
