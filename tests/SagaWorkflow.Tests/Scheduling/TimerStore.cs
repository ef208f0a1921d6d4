using MassTransit;
using MassTransit.Scheduling;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SagaWorkflow.Contracts;
using SagaWorkflow.Orchestrator.Scheduling;
using SagaWorkflow.Tests.Integration;

namespace SagaWorkflow.Tests.Scheduling;

/// <summary>What a crash can leave of a timer in Quartz's tables.</summary>
public enum Leftover
{
    /// <summary>Nothing: it fired, was cancelled before, or its ScheduleMessage never arrived.</summary>
    Nothing,

    /// <summary>The job without its trigger (half of a two-step delete).</summary>
    JobWithoutTrigger,

    /// <summary>The trigger reserved by a member that died before firing it (ACQUIRED, with its fired-trigger row).</summary>
    ReservedByDeadMember,

    /// <summary>The trigger firing on a member that died mid-send (COMPLETE, its fired-trigger row EXECUTING, recovery requested).</summary>
    FiringOnDeadMember,

    /// <summary>What recovery of that makes: the trigger gone, a recovery trigger in RECOVERING_JOBS for the job.</summary>
    RecoveryTriggerOfDeadMember,
}

/// <summary>
/// The timer consumer over Quartz's store in a SQLite file of its own, scheduler never started (nothing fires): requests go
/// through MassTransit's test harness, leftovers are written with plain SQL, and the tables are read back the same way.
/// </summary>
public sealed class TimerStore : IAsyncDisposable
{
    private const string DeadMember = "dead-member";
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"timers-{Guid.NewGuid():N}.quartz.db");
    private readonly string _name = $"timers-{Guid.NewGuid():N}";
    private readonly ServiceProvider _provider;

    private TimerStore()
    {
        _provider = new ServiceCollection()
            .AddQuartz(q =>
            {
                q.ConfigureScheduler(o => o.InstanceName = _name);
                q.UsePersistentStore(s =>
                {
                    s.UseSystemTextJsonSerializer();
                    s.UseSqlite($"Data Source={_path}");
                    s.ProvisionSchema();
                });
            })
            .AddMassTransitTestHarness(x => x.AddConsumer<ScheduleMessageConsumer>())
            .BuildServiceProvider(true);
        Harness = _provider.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public static async Task<TimerStore> StartAsync()
    {
        var store = new TimerStore();
        // Created (the store initialized, its tables provisioned), never started: no trigger fires under the test.
        await store._provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await store.Harness.Start();
        return store;
    }

    /// <summary>Sends a ScheduleMessage as a saga's ScheduleSend does, and returns whether its consumer faulted.</summary>
    public async Task<Exception?> ScheduleAsync(Guid token, DateTime dueUtc)
    {
        await Harness.Bus.Publish<ScheduleMessage>(new
        {
            CorrelationId = token,
            ScheduledTime = dueUtc,
            PayloadType = new[] { MessageUrn.ForTypeString<RetryNode>() },
            Destination = new Uri("queue:" + NodeQueues.WorkflowState),
            Payload = new RetryNode { WorkflowId = Guid.NewGuid(), NodeId = "n", Attempt = 1 },
        });
        // The due time tells a second request for the same token from the first.
        return await ConsumedAsync<ScheduleMessage>(m => m.CorrelationId == token && m.ScheduledTime.ToUniversalTime() == dueUtc);
    }

    /// <summary>Sends a CancelScheduledMessage as a saga's CancelScheduledSend does, and returns whether its consumer faulted.</summary>
    public async Task<Exception?> CancelAsync(Guid token)
    {
        await Harness.Bus.Publish<CancelScheduledMessage>(new { CorrelationId = NewId.NextGuid(), Timestamp = DateTime.UtcNow, TokenId = token });
        return await ConsumedAsync<CancelScheduledMessage>(m => m.TokenId == token);
    }

    private async Task<Exception?> ConsumedAsync<T>(Func<T, bool> which)
        where T : class
    {
        // Polled, not Consumed.Any: that gives up once the harness looks idle for a moment, which a busy machine can
        // make it look while the consumer still writes to SQLite.
        var consumer = Harness.GetConsumerHarness<ScheduleMessageConsumer>();
        await Eventually.WaitUntilAsync(() => Task.FromResult(consumer.Consumed.Select<T>(c => which(c.Context.Message)).Any()), TimeSpan.FromSeconds(30),
            () => Task.FromResult($"the consumer never took the {typeof(T).Name}"));
        return consumer.Consumed.Select<T>(c => which(c.Context.Message)).First().Exception;
    }

    /// <summary>Turns the stored timer of <paramref name="token"/> into what a crash leaves.</summary>
    public async Task LeaveAsync(Leftover leftover, Guid token, DateTime dueUtc)
    {
        var key = token.ToString("D");
        var group = ScheduleMessageConsumer.Group;
        switch (leftover)
        {
            case Leftover.Nothing:
                Execute("DELETE FROM QRTZ_SIMPLE_TRIGGERS; DELETE FROM QRTZ_TRIGGERS; DELETE FROM QRTZ_JOB_DETAILS");
                break;
            case Leftover.JobWithoutTrigger:
                Execute($"DELETE FROM QRTZ_SIMPLE_TRIGGERS WHERE TRIGGER_NAME = '{key}'; DELETE FROM QRTZ_TRIGGERS WHERE TRIGGER_NAME = '{key}'");
                break;
            case Leftover.ReservedByDeadMember:
                Execute($"UPDATE QRTZ_TRIGGERS SET TRIGGER_STATE = 'ACQUIRED' WHERE TRIGGER_NAME = '{key}'");
                Execute(FiredRow(key, "ACQUIRED", dueUtc));
                break;
            case Leftover.FiringOnDeadMember:
                Execute($"UPDATE QRTZ_TRIGGERS SET TRIGGER_STATE = 'COMPLETE', NEXT_FIRE_TIME = NULL WHERE TRIGGER_NAME = '{key}'");
                Execute(FiredRow(key, "EXECUTING", dueUtc));
                break;
            case Leftover.RecoveryTriggerOfDeadMember:
                var scheduler = await _provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
                await scheduler.ScheduleJob(TriggerBuilder.Create().WithIdentity($"recover_{DeadMember}_1", SchedulerConstants.DefaultRecoveryGroup)
                    .ForJob(key, group).StartAt(dueUtc).Build());
                Execute($"DELETE FROM QRTZ_SIMPLE_TRIGGERS WHERE TRIGGER_NAME = '{key}'; DELETE FROM QRTZ_TRIGGERS WHERE TRIGGER_NAME = '{key}'");
                break;
        }
    }

    /// <summary>The fired-trigger row a member writes when it reserves (ACQUIRED) or fires (EXECUTING) the timer's trigger.</summary>
    private string FiredRow(string key, string state, DateTime dueUtc) =>
        "INSERT INTO QRTZ_FIRED_TRIGGERS (SCHED_NAME, ENTRY_ID, TRIGGER_NAME, TRIGGER_GROUP, INSTANCE_NAME, FIRED_TIME, SCHED_TIME, PRIORITY, STATE," +
        " JOB_NAME, JOB_GROUP, IS_NONCONCURRENT, REQUESTS_RECOVERY) VALUES" +
        $" ('{_name}', '{DeadMember}-1', '{key}', '{ScheduleMessageConsumer.Group}', '{DeadMember}', {dueUtc.Ticks}, {dueUtc.Ticks}, 5, '{state}'," +
        $" '{key}', '{ScheduleMessageConsumer.Group}', 0, 1)";

    /// <summary>Rows of <paramref name="table"/> (QRTZ_ prefix left off) that belong to the timer of <paramref name="token"/>.</summary>
    public long Rows(string table, Guid token) =>
        (long)Query($"SELECT COUNT(*) FROM QRTZ_{table} WHERE JOB_NAME = '{token:D}'")[0][0]!;

    /// <summary>The timer's triggers: name, group, state, next fire time (ticks).</summary>
    public List<object?[]> Triggers(Guid token) =>
        Query($"SELECT TRIGGER_NAME, TRIGGER_GROUP, TRIGGER_STATE, NEXT_FIRE_TIME FROM QRTZ_TRIGGERS WHERE JOB_NAME = '{token:D}'");

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private List<object?[]> Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        var scheduler = await _provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.Shutdown();
        await _provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}
