namespace SagaWorkflow.Tests.Scheduling;

/// <summary>
/// Whatever a crash leaves of a timer, cancelling it or scheduling its token again (a redelivered ScheduleMessage)
/// succeeds, and leaves exactly what the request asks for: nothing, or one waiting trigger at the requested time, with no
/// fired-trigger row of a dead member for Quartz's recovery to replay (replacing alone kept those, and a dead member's
/// recovery trigger beside the new one). The race that faulted cancels into scheduler_error after a kill -9 (a trigger
/// vanishing while Quartz deleted it) needs a running cluster: Faults/When_an_orchestrator_dies_while_timers_change.
/// </summary>
public sealed class When_a_crash_leaves_a_timer_half_stored
{
    private static readonly DateTime Due = new(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(Leftover.Nothing)]
    [InlineData(Leftover.JobWithoutTrigger)]
    [InlineData(Leftover.ReservedByDeadMember)]
    [InlineData(Leftover.FiringOnDeadMember)]
    [InlineData(Leftover.RecoveryTriggerOfDeadMember)]
    public async Task Cancelling_it_succeeds_and_leaves_nothing_to_fire(Leftover leftover)
    {
        await using var store = await TimerStore.StartAsync();
        var token = Guid.NewGuid();
        Assert.Null(await store.ScheduleAsync(token, Due));
        await store.LeaveAsync(leftover, token, Due);

        Assert.Null(await store.CancelAsync(token));

        Assert.Empty(store.Triggers(token));
        Assert.Equal(0, store.Rows("JOB_DETAILS", token));
        Assert.Equal(0, store.Rows("FIRED_TRIGGERS", token));
    }

    [Theory]
    [InlineData(Leftover.Nothing)]
    [InlineData(Leftover.JobWithoutTrigger)]
    [InlineData(Leftover.ReservedByDeadMember)]
    [InlineData(Leftover.FiringOnDeadMember)]
    [InlineData(Leftover.RecoveryTriggerOfDeadMember)]
    public async Task Scheduling_its_token_again_stores_one_waiting_trigger_and_nothing_to_replay(Leftover leftover)
    {
        await using var store = await TimerStore.StartAsync();
        var token = Guid.NewGuid();
        Assert.Null(await store.ScheduleAsync(token, Due.AddHours(-1)));
        await store.LeaveAsync(leftover, token, Due.AddHours(-1));

        Assert.Null(await store.ScheduleAsync(token, Due));

        var trigger = Assert.Single(store.Triggers(token));
        Assert.Equal([token.ToString("D"), "scheduled-messages", "WAITING", new DateTimeOffset(Due).UtcTicks], trigger);
        Assert.Equal(1, store.Rows("JOB_DETAILS", token));
        Assert.Equal(0, store.Rows("FIRED_TRIGGERS", token));
    }
}
