using Microsoft.Extensions.Time.Testing;
using SagaWorkflow.NodeExecution.Runtime;

namespace SagaWorkflow.Tests.Executors;

/// <summary>The per-queue limit behind <c>PUT /api/v1/executors/{id}/capacity</c>, without a bus: grants, waits, changes, drain.</summary>
public sealed class When_an_executor_capacity_changes
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Deliveries_beyond_the_limit_wait_and_raising_it_starts_them_at_once()
    {
        var limit = new CapacityLimit(2, _time);
        await limit.AcquireAsync(CancellationToken.None);
        await limit.AcquireAsync(CancellationToken.None);
        var third = limit.AcquireAsync(CancellationToken.None);
        var fourth = limit.AcquireAsync(CancellationToken.None);

        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        var raisedAt = limit.SetLimit(4);

        Assert.Equal(raisedAt, await third);
        Assert.Equal(raisedAt, await fourth);
        Assert.Equal(4, limit.InUse);
    }

    [Fact]
    public async Task Lowering_it_lets_running_attempts_finish_and_starts_nothing_until_fewer_than_the_new_limit_run()
    {
        var limit = new CapacityLimit(3, _time);
        for (var i = 0; i < 3; i++)
            await limit.AcquireAsync(CancellationToken.None);
        var waiting = limit.AcquireAsync(CancellationToken.None);

        var loweredAt = limit.SetLimit(1);
        limit.Release();
        limit.Release();

        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, limit.InUse);
        _time.Advance(TimeSpan.FromSeconds(1));
        limit.Release();
        var started = await waiting;
        Assert.True(started > loweredAt);
        Assert.Equal(1, limit.InUse);
    }

    [Fact]
    public async Task A_drain_hands_back_what_waits_and_what_arrives_later()
    {
        var limit = new CapacityLimit(1, _time);
        await limit.AcquireAsync(CancellationToken.None);
        var waiting = limit.AcquireAsync(CancellationToken.None);

        limit.Close();
        limit.Release();

        Assert.Null(await waiting);
        Assert.Null(await limit.AcquireAsync(CancellationToken.None));
        Assert.Equal(0, limit.InUse);
    }

    [Fact]
    public async Task A_waiting_delivery_whose_connection_dropped_takes_no_slot()
    {
        var limit = new CapacityLimit(1, _time);
        await limit.AcquireAsync(CancellationToken.None);
        using var dropped = new CancellationTokenSource();
        var abandoned = limit.AcquireAsync(dropped.Token);
        var next = limit.AcquireAsync(CancellationToken.None);

        await dropped.CancelAsync();
        limit.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.NotNull(await next);
        Assert.Equal(0, limit.Waiting);
        Assert.Equal(1, limit.InUse);
    }

    [Theory]
    [InlineData(8, 4, "Executor:MaxConcurrency must be Executor:Concurrency (8) to 1000, not 4")]
    [InlineData(8, 1001, "Executor:MaxConcurrency must be Executor:Concurrency (8) to 1000, not 1001")]
    public void A_ceiling_below_the_concurrency_or_above_1000_stops_the_start_naming_the_key(int concurrency, int max, string expected)
    {
        var result = new ExecutorOptionsValidator([]).Validate(null, new ExecutorOptions { Concurrency = concurrency, MaxConcurrency = max });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_ceiling_the_prefetch_stays_the_concurrency()
    {
        Assert.Equal(12, new ExecutorOptions { Concurrency = 12 }.EffectiveMaxConcurrency);
        Assert.Equal(32, new ExecutorOptions { Concurrency = 12, MaxConcurrency = 32 }.EffectiveMaxConcurrency);
    }
}
