using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Outbox;
using SagaWorkflow.Tests.Integration;

namespace SagaWorkflow.Tests.Persistence;

/// <summary>
/// A deadlock is a conflict, not the database being away. MySqlConnector calls a deadlock transient, and the outbox took
/// it for an outage: each take-over of a dead orchestrator's rows that lost a deadlock to a saga's insert restarted the
/// 3 s count of the owner's silence, and the rows waited 25 s (issue 19). Provoked on the real servers.
/// </summary>
public sealed class When_transactions_conflict
{
    // SQLite has one writer and no deadlocks.
    [IntegrationTheory, InlineData(DatabaseProvider.MySql), InlineData(DatabaseProvider.Postgres)]
    public async Task A_deadlock_victim_is_a_conflict(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        Guid first = Guid.NewGuid(), second = Guid.NewGuid();
        await using (var db = database.Factory.Create())
        {
            db.AddRange(new OutboxOwner { OwnerId = first, Process = "a" }, new OutboxOwner { OwnerId = second, Process = "b" });
            await db.SaveChangesAsync();
        }

        await using var one = database.Factory.Create();
        await using var two = database.Factory.Create();
        await using var oneTransaction = await one.Database.BeginTransactionAsync();
        await using var twoTransaction = await two.Database.BeginTransactionAsync();
        await Bump(one, first);
        await Bump(two, second);
        // Each now waits for the row the other holds: the server picks a victim.
        var outcomes = await Task.WhenAll(Outcome(Bump(one, second)), Outcome(Bump(two, first)));

        var victim = Assert.Single(outcomes, e => e is not null)!;
        Assert.True(DatabaseFailures.IsConflict(victim), $"not taken for a conflict: {victim}");
    }

    private static Task<int> Bump(WorkflowDbContext db, Guid owner) =>
        db.Set<OutboxOwner>().Where(o => o.OwnerId == owner).ExecuteUpdateAsync(s => s.SetProperty(o => o.Beat, o => o.Beat + 1));

    private static async Task<Exception?> Outcome(Task bump)
    {
        try
        {
            await bump;
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }
}
