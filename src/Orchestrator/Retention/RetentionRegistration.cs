using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SagaWorkflow.Orchestrator.Retention;

/// <summary>Retention of the orchestrator: its settings (checked at start), the purge, and the job's schedule.</summary>
public static class RetentionRegistration
{
    public static IServiceCollection AddWorkflowRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>()
            .Configure<IConfiguration>((options, configuration) => options.Read(configuration.GetSection(RetentionOptions.Section)))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.AddSingleton<WorkflowPurge>();
        services.AddHostedService<RetentionSchedule>();
        return services;
    }
}
