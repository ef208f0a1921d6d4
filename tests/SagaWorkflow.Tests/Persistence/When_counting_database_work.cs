using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Definitions;
using SagaWorkflow.Persistence.Metrics;

namespace SagaWorkflow.Tests.Persistence;

/// <summary>
/// The database counters behind the benchmark's cost per workflow (issue 15): what EF Core sends is counted, a
/// savepoint is not a commit, and SQL run on the connection directly is not seen.
/// </summary>
public sealed class When_counting_database_work : IDisposable
{
    // The meter is process-wide and other tests use databases meanwhile: only measurements made in this test's own
    // async flow are kept (a listener's callback runs on the thread that counts, inside that flow).
    private readonly AsyncLocal<bool> _mine = new();
    private readonly ConcurrentQueue<string> _counted = new();
    private readonly MeterListener _listener = new();

    public When_counting_database_work()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DatabaseMetrics.MeterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (!_mine.Value)
                return;
            var outcome = tags.Length > 0 ? "/" + tags[0].Value : "";
            for (var i = 0; i < value; i++)
                _counted.Enqueue(instrument.Name + outcome);
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private int Count(string name) => _counted.Count(c => c == name);

    private static StoredDefinition Definition() => new()
    {
        Name = "counted-" + Guid.NewGuid().ToString("N")[..8], Version = 1, DefinitionJson = "{}", CreatedAt = DateTime.UtcNow,
    };

    [Theory, Providers]
    public async Task A_save_in_a_transaction_is_one_command_one_begin_and_one_commit(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        await using var db = database.Factory.Create();
        await db.Database.OpenConnectionAsync();
        _mine.Value = true;

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Definitions.Add(Definition());
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        Assert.Equal(1, Count("sagaworkflow.db.commands"));
        Assert.Equal(1, Count("sagaworkflow.db.transactions_started"));
        Assert.Equal(1, Count("sagaworkflow.db.transactions/committed"));
        Assert.Equal(0, Count("sagaworkflow.db.transactions/rolled_back"));
    }

    [Theory, Providers]
    public async Task Savepoints_in_one_transaction_count_as_savepoints_and_the_transaction_commits_once(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        await using var db = database.Factory.Create();
        // As the saga repository does: one transaction, a savepoint per extra message, one commit.
        db.Database.AutoSavepointsEnabled = false;
        _mine.Value = true;

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Definitions.Add(Definition());
            await db.SaveChangesAsync();
            for (var member = 0; member < 2; member++)
            {
                await transaction.CreateSavepointAsync("member");
                db.Definitions.Add(Definition());
                await db.SaveChangesAsync();
            }
            await transaction.CommitAsync();
        }

        Assert.Equal(2, Count("sagaworkflow.db.savepoints"));
        Assert.Equal(3, Count("sagaworkflow.db.commands"));
        Assert.Equal(1, Count("sagaworkflow.db.transactions_started"));
        Assert.Equal(1, Count("sagaworkflow.db.transactions/committed"));
    }

    [Theory, Providers]
    public async Task A_rollback_counts_as_rolled_back_not_committed(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        await using var db = database.Factory.Create();
        _mine.Value = true;

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Definitions.Add(Definition());
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.Equal(1, Count("sagaworkflow.db.transactions/rolled_back"));
        Assert.Equal(0, Count("sagaworkflow.db.transactions/committed"));
    }

    [Theory, Providers]
    public async Task Raw_sql_through_ef_is_counted_and_a_command_made_on_the_connection_directly_is_not(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        await using var db = database.Factory.Create();
        await db.Database.OpenConnectionAsync();
        _mine.Value = true;

        await db.Database.ExecuteSqlRawAsync("SELECT 1");
        var name = "x";
        _ = await db.Definitions.FromSqlInterpolated($"SELECT * FROM workflow_definitions WHERE name = {name}").ToListAsync();
        Assert.Equal(2, Count("sagaworkflow.db.commands"));

        await using (var direct = db.Database.GetDbConnection().CreateCommand())
        {
            direct.CommandText = "SELECT 1";
            await direct.ExecuteScalarAsync();
        }
        Assert.Equal(2, Count("sagaworkflow.db.commands"));
    }
}
