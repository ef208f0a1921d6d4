using System.Text.RegularExpressions;
using Quartz;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>Checks a schedule before anything is stored, reporting every problem at once.</summary>
public static partial class CronScheduleValidator
{
    public static IReadOnlyList<string> Validate(CronSchedule schedule)
    {
        var errors = new List<string>();
        if (!IdPattern().IsMatch(schedule.Id))
            errors.Add($"id '{schedule.Id}' must be 1-100 letters, digits, '_', '.' or '-'");
        try
        {
            _ = new CronExpression(schedule.Cron);
        }
        catch (FormatException ex)
        {
            errors.Add($"cron '{schedule.Cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year]): {ex.Message}");
        }

        if (!TryFindTimeZone(schedule.TimeZone, out _))
            errors.Add($"timeZone '{schedule.TimeZone}' is not a known time zone (use an IANA id such as 'Europe/Berlin' or 'UTC')");
        if (schedule.MisfireThreshold <= TimeSpan.Zero)
            errors.Add($"misfireThreshold must be positive, not {schedule.MisfireThreshold}");
        errors.AddRange(WorkflowDefinitionValidator.Validate(schedule.Workflow).Select(e => "workflow: " + e));
        return errors;
    }

    public static bool TryFindTimeZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")]
    private static partial Regex IdPattern();
}
