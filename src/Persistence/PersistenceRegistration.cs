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
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), $"{PersistenceOptions.Section}:ConnectionString must not be empty")
            .Validate(o => Enum.IsDefined(o.Provider), $"{PersistenceOptions.Section}:Provider must be Sqlite, MySql or Postgres")
            .ValidateOnStart();
        services.AddSingleton<WorkflowDbContextFactory>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddScoped(sp => sp.GetRequiredService<WorkflowDbContextFactory>().Create());
        return services;
    }
}
