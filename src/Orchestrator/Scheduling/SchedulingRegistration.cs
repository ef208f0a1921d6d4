using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// Every delay in the system is a persisted Quartz trigger: Quartz keeps its own tables (created at start) in the
/// workflow database on MySQL and PostgreSQL (it creates them itself: <c>ProvisionSchema</c>), or in a SQLite file beside it in local mode, and runs clustered so each trigger
/// fires on exactly one orchestrator.
/// </summary>
public static class SchedulingRegistration
{
    public const string SchedulerQueue = "scheduler";

    public static Uri SchedulerAddress { get; } = SagaWorkflow.Contracts.NodeQueues.ExchangeOf(SchedulerQueue);

    /// <summary>
    /// The Quartz store and jobs. Nothing fires until <see cref="AddWorkflowSchedulerHost"/> runs the scheduler, so CLI
    /// verbs use this alone to edit schedules in the store.
    /// </summary>
    public static IServiceCollection AddWorkflowScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var persistence = configuration.GetSection(PersistenceOptions.Section).Get<PersistenceOptions>() ?? new PersistenceOptions();
        services.AddSingleton<ScheduledMessageTypes>();
        services.AddSingleton<CronSchedules>();
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "sagaworkflow";
                o.GenerateInstanceId = true;
                // A trigger scheduled by another instance is only seen on the next poll: keep the poll short.
                o.IdleWaitTime = TimeSpan.FromSeconds(1);
            });
            q.AddTriggerListener<CronMisfireListener>([GroupMatcher<TriggerKey>.GroupEquals(CronSchedules.Group)]);
            q.UsePersistentStore(store =>
            {
                store.UseSystemTextJsonSerializer();
                // After a database outage Quartz backs off this long between tries (15 s by default): timers due in the
                // outage (retries, deadlines, heartbeat timeouts) fire within 2 s of the database's return instead.
                store.ConfigureStore(o => o.DbRetryInterval = TimeSpan.FromSeconds(2));
                switch (persistence.Provider)
                {
                    case DatabaseProvider.MySql:
                        store.UseMySqlConnector(ConnectionBudget.ForScheduler(persistence));
                        store.UseClustering();
                        break;
                    case DatabaseProvider.Postgres:
                        store.UsePostgres(ConnectionBudget.ForScheduler(persistence));
                        store.UseClustering();
                        break;
                    default:
                        // Quartz refuses clustering on SQLite (file locking); local mode is one process anyway.
                        store.UseSqlite(QuartzSqliteConnectionString(persistence.ConnectionString));
                        break;
                }

                store.ProvisionSchema();
            });
        });
        return services;
    }

    /// <summary>
    /// Shuts the scheduler down when the host stops. Call it before <c>AddMassTransit</c>: hosted services stop in
    /// reverse order, so this runs after the bus has stopped and can no longer hand the scheduler requests.
    /// </summary>
    public static IServiceCollection AddWorkflowSchedulerShutdown(this IServiceCollection services) =>
        services.AddHostedService<SchedulerShutdownService>();

    /// <summary>
    /// Runs the scheduler once the bus is ready. Call it after <c>AddMassTransit</c>: hosted services stop in reverse
    /// order, so the scheduler stops firing while the bus can still carry the messages of the fires under way.
    /// </summary>
    public static IServiceCollection AddWorkflowSchedulerHost(this IServiceCollection services)
    {
        services.AddSingleton<BusReadiness>();
        services.AddBusObserver(sp => sp.GetRequiredService<BusReadiness>());
        services.AddHostedService<SchedulerHostedService>();
        return services;
    }

    public static void AddWorkflowSchedulerConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddMessageScheduler(SchedulerAddress);
        x.AddConsumer<ScheduleMessageConsumer>().ExcludeFromConfigureEndpoints();
    }

    /// <summary>The scheduler endpoint, and the bus-wide setting that sends every Schedule/ScheduleSend to it.</summary>
    public static void ConfigureWorkflowScheduler(this IBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        cfg.UseMessageScheduler(SchedulerAddress);
        cfg.ReceiveEndpoint(SchedulerQueue, e =>
        {
            e.ConfigureConsumeTopology = false;
            // Quartz keeps its triggers in the database: a timer must wait out a database restart, not fault.
            e.UseDatabaseRetry();
            e.ConfigureConsumer<ScheduleMessageConsumer>(context);
        });
    }

    /// <summary>Quartz's SQLite file sits beside the workflow database (its own file: the two stores lock independently).</summary>
    public static string QuartzSqliteConnectionString(string workflowConnectionString)
    {
        var path = SqliteWorkflowDbContext.FilePath(workflowConnectionString) ?? Path.GetFullPath("data/sagaworkflow.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return $"Data Source={Path.ChangeExtension(path, ".quartz.db")}";
    }
}
