using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Orchestrator.Scheduling;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Tests.Scheduling;

/// <summary>
/// Writes a schedule straight into the Quartz store, with no orchestrator running: the arrangement of tests about what
/// the scheduler does with schedules it finds (operators create them through the API: sagaflow schedule create).
/// </summary>
public static class ScheduleStore
{
    public static async Task CreateAsync(IDictionary<string, string?> settings, CronSchedule schedule)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddWorkflowPersistence();
        builder.Services.AddWorkflowScheduling(builder.Configuration);
        using var host = builder.Build();
        await host.MigrateWorkflowDatabaseAsync(CancellationToken.None);
        await host.Services.GetRequiredService<CronSchedules>().CreateAsync(schedule, CancellationToken.None);
    }
}
