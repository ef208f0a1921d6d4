namespace SagaWorkflow.Persistence.Workflows;

/// <summary>The state changes of a node and its current attempt (the columns are in WorkflowNodeState.cs).</summary>
public partial class WorkflowNodeState
{
    /// <summary>
    /// The next attempt goes out: from pending (dependencies met), retrying (due, or its attempt superseded), or in doubt
    /// (an operator chose retry). <paramref name="waitingReason"/> says why it may wait (no online executor can take it);
    /// <paramref name="routedExecutor"/> is the executor its routing key sent it to, if any.
    /// </summary>
    public void Dispatch(DateTime now, string? waitingReason, string? routedExecutor = null)
    {
        Require(State is NodeStatus.Pending or NodeStatus.Retrying or NodeStatus.InDoubt, "dispatched");
        Attempt++;
        State = NodeStatus.Dispatched;
        DispatchedAt = now;
        StartedAt = null;
        FinishedAt = null;
        NextAttemptAt = null;
        ExecutorId = null;
        WaitingReason = waitingReason;
        RoutedExecutor = routedExecutor;
        Attempts.Dispatched(this, now);
    }

    /// <summary>
    /// An executor started the current attempt. True the first time; false when a redelivered copy starts again (on
    /// another executor after the first one's connection dropped), which keeps the first start's deadline.
    /// </summary>
    public bool Start(string executorId, DateTime at)
    {
        RequireInFlight("started");
        var first = State == NodeStatus.Dispatched;
        var previous = ExecutorId;
        Attempts.Started(this, executorId, previous is not null && previous != executorId ? previous : null, at);
        State = NodeStatus.Running;
        WaitingReason = null;
        ExecutorId = executorId;
        StartedAt = at;
        return first;
    }

    /// <summary>
    /// A short attempt can end before it reports its start: its start comes with the result. True when that is so
    /// (the caller counts the queue wait then).
    /// </summary>
    public bool StartWithResult(DateTime? startedAt, DateTime finishedAt)
    {
        RequireInFlight("started");
        if (State != NodeStatus.Dispatched)
            return false;
        StartedAt = startedAt ?? finishedAt;
        WaitingReason = null;
        return true;
    }

    /// <summary>The current attempt succeeded (an executor reported it, or an operator resolved a parked node so).</summary>
    public void Succeed(string? executorId, string? outputJson, DateTime at, string? note = null)
    {
        Require(InFlight || State == NodeStatus.InDoubt, "succeeded");
        RequireDisarmed();
        Attempts.Finished(this, AttemptOutcomes.Succeeded, executorId, note, StartedAt, at);
        State = NodeStatus.Succeeded;
        OutputJson = outputJson;
        ExecutorId = executorId ?? ExecutorId;
        FinishedAt = at;
        Error = note;
    }

    /// <summary>
    /// The current attempt failed (<paramref name="outcome"/>: failed or timed_out). It is retried at
    /// <paramref name="retryAt"/> when the failure is retryable and the budget allows; otherwise the node has failed.
    /// True when a retry is due (the caller arms its timer).
    /// </summary>
    public bool Fail(string outcome, string? executorId, string error, bool retryable, DateTime at, Func<DateTime> retryAt)
    {
        Require(InFlight, "failed");
        RequireDisarmed();
        if (outcome is not (AttemptOutcomes.Failed or AttemptOutcomes.TimedOut))
            throw new ArgumentException($"a failed attempt's outcome is failed or timed_out, not '{outcome}'", nameof(outcome));
        Attempts.Finished(this, outcome, executorId, error, StartedAt, at);
        ExecutorId = executorId ?? ExecutorId;
        return GiveUpOrRetry(error, retryable, at, retryAt);
    }

    /// <summary>
    /// The current attempt was taken away for <paramref name="reason"/> (its executor lost or draining, or it never
    /// started) and the node is due again at once. A failover is not the node's failure, so it uses up no retry.
    /// </summary>
    public void Supersede(string outcome, string reason, DateTime now)
    {
        RequireInFlight("superseded");
        RequireDisarmed();
        Attempts.Superseded(this, outcome, reason, now);
        MaxAttempts++;
        Failovers++;
        State = NodeStatus.Retrying;
        NextAttemptAt = now;
    }

    /// <summary>The current attempt's executor was lost and its policy is <c>fail</c>: the node fails, unretried.</summary>
    public void FailLost(string reason, DateTime now)
    {
        RequireInFlight("failed as lost");
        RequireDisarmed();
        Attempts.Superseded(this, AttemptOutcomes.Lost, reason, now);
        GiveUpOrRetry(reason + " (onExecutorLost: fail)", retryable: false, now, () => now);
    }

    /// <summary>The current attempt's executor was lost and its policy is <c>park</c>: it waits in doubt for an operator.</summary>
    public void Park(string reason, DateTime now)
    {
        RequireInFlight("parked");
        RequireDisarmed();
        Attempts.Superseded(this, AttemptOutcomes.Lost, reason, now);
        State = NodeStatus.InDoubt;
        Error = reason + " (onExecutorLost: park; resolve with succeed, retry or fail)";
    }

    /// <summary>An operator chose to run a parked node again: one more attempt in the budget (dispatch follows).</summary>
    public void RetryFromDoubt(string note)
    {
        Require(State == NodeStatus.InDoubt, "retried by an operator");
        MaxAttempts++;
        Error = note;
    }

    /// <summary>The operator chose to fail a parked node; its parked attempt is recorded as failed with the note.</summary>
    public void FailFromDoubt(string note, DateTime now)
    {
        Require(State == NodeStatus.InDoubt, "failed by an operator");
        Attempts.Finished(this, AttemptOutcomes.Failed, null, note, StartedAt, now);
        GiveUpOrRetry(note, retryable: false, now, () => now);
    }

    /// <summary>A due retry goes out while the run is running; while paused it stays retrying with its time passed.</summary>
    public bool RetryIsDue(int attempt) => State == NodeStatus.Retrying && Attempt == attempt;

    /// <summary>
    /// The run ends early (cancelled, or its deadline passed): an attempt under way is recorded as cancelled for
    /// <paramref name="reason"/>, a pending node is skipped (it never ran), anything else unsettled is cancelled.
    /// True when an attempt was under way (the caller tells its executor to stop).
    /// </summary>
    public bool Cancel(string reason, DateTime now, bool skipPending)
    {
        Require(!Settled, "cancelled");
        RequireDisarmed();
        var wasInFlight = InFlight;
        if (wasInFlight)
            Attempts.Superseded(this, AttemptOutcomes.Cancelled, reason, now);
        State = skipPending && State == NodeStatus.Pending ? NodeStatus.Skipped : NodeStatus.Cancelled;
        FinishedAt = now;
        return wasInFlight;
    }

    /// <summary>The run failed: a node that never started will not run.</summary>
    public void Skip()
    {
        Require(State == NodeStatus.Pending, "skipped");
        State = NodeStatus.Skipped;
    }

    /// <summary>The whole run is retried: a failed, cancelled or skipped node starts over with a fresh budget (attempts continue).</summary>
    public void Reset(int retryBudget)
    {
        Require(State is NodeStatus.Failed or NodeStatus.Cancelled or NodeStatus.Skipped, "reset for a retry of the run");
        State = NodeStatus.Pending;
        MaxAttempts = Attempt + retryBudget;
        Error = null;
        OutputJson = null;
        ExecutorId = null;
        DispatchedAt = null;
        StartedAt = null;
        FinishedAt = null;
        NextAttemptAt = null;
        WaitingReason = null;
        RoutedExecutor = null;
    }

    /// <summary>A result of <paramref name="attempt"/>, no longer current: recorded on that attempt's row, never applied.</summary>
    public void RecordLateResult(int attempt, string outcome, string executorId, string? error, DateTime at)
    {
        if (attempt < 1 || attempt > Attempt)
            return; // no such attempt was ever dispatched: nothing to record it on
        Attempts.ArrivedLate(this, attempt, outcome, executorId, error, at);
    }

    /// <summary>The attempt's deadline timer was armed (token kept so whoever applies the result can cancel it).</summary>
    public void TimeoutArmed(Guid token)
    {
        Require(State == NodeStatus.Running, "given a deadline");
        TimeoutTokenId = token;
    }

    /// <summary>Takes the armed deadline's token, if any, for the caller to cancel the timer.</summary>
    public Guid? TakeTimeoutToken()
    {
        var token = TimeoutTokenId;
        TimeoutTokenId = null;
        return token;
    }

    /// <summary>
    /// Executor <paramref name="executorId"/> (with these capabilities and pools) came online. If the node waits for
    /// exactly such an executor, its waiting reason no longer holds and is cleared. True when it was.
    /// </summary>
    public bool ExecutorAvailable(string executorId, IReadOnlyCollection<string> capabilities, IReadOnlyCollection<string> pools)
    {
        var canTake = capabilities.Contains(Capability)
            && (TargetExecutor == executorId || (TargetExecutor is null && (Pool is null || pools.Contains(Pool))));
        if (State != NodeStatus.Dispatched || WaitingReason is null || !canTake)
            return false;
        WaitingReason = null;
        return true;
    }

    private bool GiveUpOrRetry(string error, bool retryable, DateTime at, Func<DateTime> retryAt)
    {
        Error = error;
        FinishedAt = at;
        if (retryable && Attempt < MaxAttempts)
        {
            State = NodeStatus.Retrying;
            NextAttemptAt = retryAt();
            return true;
        }

        State = NodeStatus.Failed;
        return false;
    }

    /// <summary>
    /// An attempt ends only once its deadline timer is cancelled (the steps take the token first), so no timer is left
    /// armed for an attempt that is over.
    /// </summary>
    private void RequireDisarmed()
    {
        if (TimeoutTokenId is not null)
            throw new InvalidOperationException($"node '{NodeId}' of workflow {WorkflowId}: attempt {Attempt} ends with its deadline timer still armed");
    }

    private void RequireInFlight(string change) => Require(InFlight, change);

    private void Require(bool allowed, string change)
    {
        if (!allowed)
            throw new InvalidOperationException(
                $"node '{NodeId}' of workflow {WorkflowId} is {NodeStatusText.Of(State)} (attempt {Attempt}) and cannot be {change}");
    }
}
