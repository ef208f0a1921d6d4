using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SagaWorkflow.Executors;
using SagaWorkflow.Orchestrator.Workflows;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Sagas;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Hosting;

/// <summary>Registrations of the orchestrator host: persistence, the workflow saga, in-process executors and the bus.</summary>
public static class OrchestratorHosting
{
    /// <summary>
    /// Local mode: in-memory bus, SQLite, built-in executors in this process.
    /// <paramref name="configureBus"/> lets a caller (the run verb, tests) add its own consumers.
    /// </summary>
    public static IHostApplicationBuilder AddWorkflowOrchestrator(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configureBus = null)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<WorkflowSteps>();
        services.AddWorkflowPersistence();
        services.AddNodeExecutors();

        services.AddMassTransit(x =>
        {
            x.AddSagaStateMachine<WorkflowStateMachine, WorkflowState, WorkflowStateDefinition>()
                .Repository(r => r.UseWorkflowRepository());
            x.AddNodeExecutorConsumers();
            configureBus?.Invoke(x);

            x.UsingInMemory((context, cfg) =>
            {
                cfg.ConfigureNodeExecutorEndpoints(context);
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>Applies pending migrations before the bus starts, so no message meets a missing table.</summary>
    public static Task MigrateWorkflowDatabaseAsync(this IHost host, CancellationToken cancellationToken) =>
        host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
}
