using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SagaWorkflow.Orchestrator.Hosting;
using SagaWorkflow.Orchestrator.Scheduling;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>
/// The <c>schedule</c> verb: <c>create &lt;file.json&gt;</c>, <c>list</c>, <c>pause|resume|delete &lt;id&gt;</c>. It edits the
/// persistent Quartz store the orchestrators share (same Database settings) and never fires anything itself.
/// </summary>
public static class ScheduleCommand
{
    public const string Usage = "usage: schedule create <schedule.json> | schedule list | schedule pause|resume|delete <id>";

    public static async Task<int> ExecuteAsync(string[] args, TextWriter output, IDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddWorkflowPersistence();
        builder.Services.AddWorkflowScheduling(builder.Configuration);
        using var host = builder.Build();
        await host.MigrateWorkflowDatabaseAsync(cancellationToken);
        var schedules = host.Services.GetRequiredService<CronSchedules>();
        try
        {
            switch (args)
            {
                case ["create", var file]:
                    var schedule = JsonSerializer.Deserialize<CronSchedule>(await File.ReadAllTextAsync(file, cancellationToken), CronSchedules.Json)!;
                    await schedules.CreateAsync(schedule, cancellationToken);
                    output.WriteLine($"schedule '{schedule.Id}' created");
                    await PrintAsync(schedules, output, cancellationToken);
                    return 0;
                case ["list"]:
                    await PrintAsync(schedules, output, cancellationToken);
                    return 0;
                case ["pause", var id]:
                    await schedules.PauseAsync(id, cancellationToken);
                    output.WriteLine($"schedule '{id}' paused");
                    return 0;
                case ["resume", var id]:
                    await schedules.ResumeAsync(id, cancellationToken);
                    output.WriteLine($"schedule '{id}' resumed; fire times missed while paused are recorded as skipped");
                    return 0;
                case ["delete", var id]:
                    await schedules.DeleteAsync(id, cancellationToken);
                    output.WriteLine($"schedule '{id}' deleted (its ledger rows stay)");
                    return 0;
                default:
                    output.WriteLine(Usage);
                    return ExitCodes.Rejected;
            }
        }
        catch (CronScheduleException ex)
        {
            output.WriteLine($"schedule rejected: {ex.Errors.Count} problem(s):");
            foreach (var error in ex.Errors)
                output.WriteLine($"  - {error}");
            return ExitCodes.Rejected;
        }
        catch (Exception ex) when (ex is JsonException or FileNotFoundException)
        {
            output.WriteLine($"cannot read the schedule: {ex.Message}");
            return ExitCodes.Rejected;
        }
    }

    private static async Task PrintAsync(CronSchedules schedules, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"{"id",-24} {"cron",-20} {"time zone",-16} {"state",-8} {"next fire (UTC)",-20} misfire");
        foreach (var s in await schedules.ListAsync(cancellationToken))
        {
            var next = s.NextFireTime?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
            output.WriteLine($"{s.Id,-24} {s.Cron,-20} {s.TimeZone,-16} {s.State,-8} {next,-20} {s.Misfire}");
        }
    }
}
