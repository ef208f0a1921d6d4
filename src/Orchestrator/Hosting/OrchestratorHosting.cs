using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SagaWorkflow.Contracts;
using SagaWorkflow.Hosting;
using SagaWorkflow.NodeExecution;
using SagaWorkflow.Orchestrator.ExecutorRegistry;
using SagaWorkflow.Orchestrator.Recovery;
using SagaWorkflow.Orchestrator.Retention;
using SagaWorkflow.Orchestrator.Scheduling;
using SagaWorkflow.Orchestrator.Workflows;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Executors;
using SagaWorkflow.Persistence.Sagas;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Hosting;

/// <summary>Registrations of the orchestrator host: persistence, the workflow saga, recovery, the bus, and (local mode) executors.</summary>
public static class OrchestratorHosting
{
    /// <summary>
    /// Local mode (Transport:Kind InMemory, the default) also hosts the built-in executors in this process;
    /// distributed mode (RabbitMq) leaves them to executor processes. <paramref name="configureBus"/> lets a caller
    /// (the run verb, tests) add its own consumers.
    /// </summary>
    public static IHostApplicationBuilder AddWorkflowOrchestrator(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configureBus = null)
    {
        var services = builder.Services;
        var local = TransportConfiguration.Kind(builder.Configuration) == TransportKind.InMemory;
        services.AddSingleton(TimeProvider.System);
        services.AddWorkflowSteps();
        services.AddSingleton<ExecutorSteps>();
        services.AddSingleton<BrokerConnectionWatch>();
        services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<BrokerConnectionWatch>());
        services.AddOptions<FailoverOptions>().BindConfiguration(FailoverOptions.Section)
            .Validate(o => o.HeartbeatTimeoutFactor >= 1 && o.MinimumHeartbeatTimeout > TimeSpan.Zero && o.DirectoryRefresh > TimeSpan.Zero
                    && o.BrokerReconnectGrace >= TimeSpan.Zero,
                $"{FailoverOptions.Section}:HeartbeatTimeoutFactor must be 1 or more, MinimumHeartbeatTimeout and DirectoryRefresh positive, BrokerReconnectGrace not negative")
            .ValidateOnStart();
        services.AddSingleton<ExecutorDirectory>();
        services.AddSingleton<IExecutorDirectory>(sp => sp.GetRequiredService<ExecutorDirectory>());
        services.AddHostedService(sp => sp.GetRequiredService<ExecutorDirectory>());
        services.AddWorkflowPersistence();
        services.AddOptions<OrchestratorOptions>().BindConfiguration(OrchestratorOptions.Section)
            .Validate(o => o.RedispatchAfter > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero && o.RetryGrace > TimeSpan.Zero
                    && o.LostExecutorGrace > TimeSpan.Zero && o.MaxSubmitBytes > 0,
                $"{OrchestratorOptions.Section}:RedispatchAfter, :RetryGrace, :LostExecutorGrace, :SweepInterval and :MaxSubmitBytes must be positive")
            .ValidateOnStart();
        services.AddHostedService<StaleDispatchSweeper>();
        services.AddTransactionalOutbox();
        services.AddWorkflowScheduling(builder.Configuration);
        services.AddWorkflowSchedulerShutdown();
        if (local)
            services.AddNodeExecutors();

        services.AddMassTransit(x =>
        {
            x.AddSagaStateMachine<WorkflowStateMachine, WorkflowState, WorkflowStateDefinition>()
                .Repository(r => r.UseWorkflowRepository());
            x.AddSagaStateMachine<ExecutorStateMachine, ExecutorState, ExecutorStateDefinition>()
                .Repository(r => r.UseExecutorRepository());
            x.AddConsumer<ExecutorLostConsumer, ExecutorLostConsumerDefinition>();
            x.AddConsumer<SubmitWorkflowConsumer>().ExcludeFromConfigureEndpoints();
            // Published to every executor's control queue; the one named answers (PUT /api/v1/executors/{id}/capacity).
            x.AddRequestClient<SetExecutorCapacity>(RequestTimeout.After(s: 5));
            x.AddWorkflowSchedulerConsumers();
            if (local)
                x.AddNodeExecutorConsumers();
            configureBus?.Invoke(x);

            x.UsingConfiguredTransport(builder.Configuration, (context, cfg) =>
            {
                cfg.ConfigureWorkflowScheduler(context);
                cfg.ReceiveEndpoint(NodeQueues.Submit, e =>
                {
                    // Plain JSON from any AMQP client; a body that is not a StartWorkflow faults into workflow-submit_error.
                    e.ConfigureConsumeTopology = false;
                    e.AddDeserializer(new PlainSubmitSerializerFactory(), isDefault: true);
                    e.ConfigureConsumer<SubmitWorkflowConsumer>(context);
                });
                if (local)
                    cfg.ConfigureNodeExecutorEndpoints(context);
            });
        });
        services.AddWorkflowSchedulerHost();
        // After the scheduler host, whose readiness it waits for: hosted services start in order, so the scheduler exists
        // before retention asks for it (the first call creates it, and two first calls at once could both try).
        services.AddWorkflowRetention();
        if (local)
            services.AddExecutorPresence();
        // serve and run alike: Hosting:ReadyFile exists while the readiness checks pass.
        services.AddReadyFile();
        return builder;
    }

    /// <summary>Applies pending migrations before the bus starts, so no message meets a missing table.</summary>
    public static Task MigrateWorkflowDatabaseAsync(this IHost host, CancellationToken cancellationToken) =>
        host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
}
