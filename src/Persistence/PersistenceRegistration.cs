using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
}
