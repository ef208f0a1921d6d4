using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SagaWorkflow.Persistence.Outbox;

namespace SagaWorkflow.Persistence;

/// <summary>Registration of the saga state database.</summary>
public static class PersistenceRegistration
{
    public static IServiceCollection AddWorkflowPersistence(this IServiceCollection services)
    {
        services.AddOptions<PersistenceOptions>()
            .BindConfiguration(PersistenceOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PersistenceOptions>, PersistenceOptionsValidator>();
        services.AddSingleton<WorkflowDbContextFactory>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddScoped(sp => sp.GetRequiredService<WorkflowDbContextFactory>().Create());
        return services;
    }

    /// <summary>
    /// The transactional outbox of the saga endpoints (<see cref="TransactionalOutboxFilter"/>) and its background loop.
    /// Call it before <c>AddMassTransit</c>: hosted services stop in reverse order, so the loop stops after the bus and
    /// can still delete what the bus's last messages delivered.
    /// </summary>
    public static IServiceCollection AddTransactionalOutbox(this IServiceCollection services)
    {
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section)
            .Validate(o => o.Problem() is null, "Outbox:OwnerTimeout must be positive and at least twice Outbox:PollInterval")
            .ValidateOnStart();
        services.AddSingleton<OutboxDelivery>();
        services.AddHostedService<OutboxRecovery>();
        return services;
    }
}
