using Microsoft.Extensions.Time.Testing;
using SagaWorkflow.Persistence.Outbox;

namespace SagaWorkflow.Tests.Persistence;

/// <summary>
/// Which orchestrators the outbox takes for dead, and so whose undelivered messages another sends: only an owner whose
/// beat stood still for the timeout on the observer's own clock, or that stopped; never one that kept beating, however
/// slowly the observer polled, and nobody right after the observer's own poll failed (issue 19).
/// </summary>
public sealed class When_the_outbox_looks_for_dead_owners
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private static readonly Guid Owner = Guid.NewGuid();

    private readonly FakeTimeProvider _clock = new();
    private readonly OwnerSightings _sightings;

    public When_the_outbox_looks_for_dead_owners() => _sightings = new OwnerSightings(Timeout, _clock);

    private List<(Guid Owner, long? Beat)> ObserveAfter(TimeSpan wait, long? beat)
    {
        _clock.Advance(wait);
        return _sightings.Observe(new Dictionary<Guid, long?> { [Owner] = beat }, _clock.GetTimestamp());
    }

    [Fact]
    public void An_owner_whose_beat_stands_still_for_the_timeout_is_dead_and_not_before()
    {
        Assert.Empty(ObserveAfter(TimeSpan.Zero, 7));
        Assert.Empty(ObserveAfter(TimeSpan.FromSeconds(2.9), 7));

        Assert.Equal([(Owner, 7L)], ObserveAfter(TimeSpan.FromSeconds(0.1), 7));
    }

    [Fact]
    public void An_owner_that_beats_is_alive_however_long_between_the_observer_s_polls()
    {
        Assert.Empty(ObserveAfter(TimeSpan.Zero, 1));
        Assert.Empty(ObserveAfter(TimeSpan.FromSeconds(10), 9));
        Assert.Empty(ObserveAfter(TimeSpan.FromSeconds(2), 9));

        // Its clock starts at the beat last seen to move, not at the first sighting.
        Assert.Single(ObserveAfter(TimeSpan.FromSeconds(1), 9));
    }

    [Fact]
    public void An_owner_that_stopped_is_dead_at_once()
    {
        Assert.Equal([(Owner, OutboxRecovery.Stopped)], ObserveAfter(TimeSpan.Zero, OutboxRecovery.Stopped));
    }

    [Fact]
    public void An_owner_that_holds_rows_but_never_beat_is_dead_after_the_timeout()
    {
        Assert.Empty(ObserveAfter(TimeSpan.Zero, null));

        Assert.Single(ObserveAfter(Timeout, null));
    }

    [Fact]
    public void After_the_observer_s_own_poll_failed_every_count_starts_afresh()
    {
        Assert.Empty(ObserveAfter(TimeSpan.Zero, 4));
        _clock.Advance(TimeSpan.FromSeconds(30)); // the database was away: nobody could beat, nobody could look
        _sightings.Reset();

        Assert.Empty(ObserveAfter(TimeSpan.Zero, 4));
        Assert.Single(ObserveAfter(Timeout, 4));
    }

    [Fact]
    public void A_forgotten_owner_is_counted_afresh_if_it_shows_up_again()
    {
        Assert.Empty(ObserveAfter(TimeSpan.Zero, 5));
        Assert.Single(ObserveAfter(Timeout, 5));
        _sightings.Forget(Owner);

        Assert.Empty(ObserveAfter(TimeSpan.FromSeconds(1), 5));
    }
}
