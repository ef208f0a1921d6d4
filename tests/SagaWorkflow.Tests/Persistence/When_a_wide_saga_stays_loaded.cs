using Microsoft.Extensions.Options;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Sagas;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Tests.Persistence;

/// <summary>
/// A wide saga's DbContext is kept between its transactions, and the next transaction, opened while the previous one
/// still commits with it, waits for it instead of reading every node row again (issue 15: on a 9,998-child fan-out
/// nearly every batch of results re-read 10,000 rows).
/// </summary>
public sealed class When_a_wide_saga_stays_loaded : IDisposable
{
    private readonly WarmSagaContexts<WorkflowState> _warm = new();
    private readonly WorkflowDbContextFactory _factory = new(Options.Create(new PersistenceOptions
    {
        Provider = DatabaseProvider.Sqlite, ConnectionString = "Data Source=:memory:",
    }));

    public void Dispose() => _warm.Dispose();

    [Fact]
    public async Task A_transaction_opened_while_the_context_is_in_use_gets_it_when_it_is_kept_again()
    {
        var id = Guid.NewGuid();
        var db = _factory.Create();
        _warm.Keep(id, db);
        var first = await _warm.TakeAsync(id, CancellationToken.None);
        Assert.Same(db, first);

        var second = _warm.TakeAsync(id, CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted, "the second transaction did not wait for the context in use");
        _warm.Keep(id, first!);

        Assert.Same(db, await second.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_context_released_instead_of_kept_leaves_the_waiter_to_read_afresh()
    {
        var id = Guid.NewGuid();
        _warm.Keep(id, _factory.Create());
        using var first = await _warm.TakeAsync(id, CancellationToken.None);

        var second = _warm.TakeAsync(id, CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);
        _warm.Release(id);

        Assert.Null(await second.WaitAsync(TimeSpan.FromSeconds(10)));
        // Nothing is in use any more: the next one does not wait.
        Assert.Null(await _warm.TakeAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task A_saga_never_kept_is_not_waited_for()
    {
        Assert.Null(await _warm.TakeAsync(Guid.NewGuid(), CancellationToken.None));
        Assert.Null(await _warm.TakeAsync(null, CancellationToken.None));
    }
}
