using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.Orchestrator.Scheduling;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// <c>/api/v1/schedules</c>: cron schedules in the shared Quartz store (the same operations as the <c>schedule</c> verb)
/// and each schedule's fire ledger (<c>schedule_fires</c>).
/// </summary>
public static class ScheduleEndpoints
{
    public const int MaxFires = 1000;

    public static RouteGroupBuilder MapScheduleEndpoints(this RouteGroupBuilder api)
    {
        var schedules = api.MapGroup("/schedules");
        schedules.MapPost("", CreateAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        schedules.MapGet("", ListAsync)
            .AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        schedules.MapGet("/{id}/fires", FiresAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        schedules.MapPost("/{id}/pause", (string id, CronSchedules cron, CancellationToken ct) =>
                ApplyAsync(id, "paused", () => cron.PauseAsync(id, ct)))
            .AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        schedules.MapPost("/{id}/resume", (string id, CronSchedules cron, CancellationToken ct) =>
                ApplyAsync(id, "resumed; fire times missed while paused are recorded as skipped", () => cron.ResumeAsync(id, ct)))
            .AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        schedules.MapDelete("/{id}", (string id, CronSchedules cron, CancellationToken ct) =>
                ApplyAsync(id, "deleted; its ledger rows stay", () => cron.DeleteAsync(id, ct)))
            .AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, CronSchedules cron, CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestJson.ReadObjectAsync(request, cancellationToken);
        if (problem is not null)
            return problem;
        CronSchedule schedule;
        using (body)
        {
            try
            {
                schedule = body!.RootElement.Deserialize<CronSchedule>(CronSchedules.Json)!;
            }
            catch (JsonException ex)
            {
                return ApiProblems.BadRequest($"Not a schedule: {ex.Message} (fields: id, cron, timeZone, workflow, input, enabled, misfire, misfireThreshold).");
            }
        }

        return await ApplyAsync(schedule.Id, "created", async () => await cron.CreateAsync(schedule, cancellationToken),
            created: $"/api/v1/schedules/{Uri.EscapeDataString(schedule.Id)}/fires");
    }

    private static async Task<IResult> ListAsync(CronSchedules cron, CancellationToken cancellationToken) =>
        Results.Ok((await cron.ListAsync(cancellationToken))
            .Select(s => new ScheduleView(s.Id, s.Cron, s.TimeZone, s.State, s.NextFireTime, s.PreviousFireTime, s.Misfire.ToString())).ToList());

    /// <summary>
    /// The ledger, newest first. A deleted schedule keeps its rows, so only an id with neither a schedule nor any row is
    /// a 404 (a typo otherwise looked like a schedule that never fired).
    /// </summary>
    private static async Task<IResult> FiresAsync(string id, HttpRequest request, WorkflowDbContext db, CronSchedules cron, CancellationToken cancellationToken)
    {
        var limit = 100;
        if (request.Query["limit"].ToString() is { Length: > 0 } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxFires))
            return ApiProblems.InvalidQuery([("limit", $"must be a whole number from 1 to {MaxFires}; got '{text}'")]);
        var fires = await db.ScheduleFires.AsNoTracking().Where(f => f.ScheduleId == id).OrderByDescending(f => f.FireTime).Take(limit)
            .Select(f => new FireView(f.FireTime, f.Outcome, f.WorkflowId, f.Reason, f.RecordedAt)).ToListAsync(cancellationToken);
        if (fires.Count == 0 && !await cron.ExistsAsync(id, cancellationToken))
            return ApiProblems.NotFound($"No schedule has the id '{id}' and none with that id ever fired; GET /api/v1/schedules lists them.");
        return Results.Ok(new ScheduleFires(id, fires));
    }

    /// <summary>Runs a schedule operation; its refusals become 400 (invalid, every reason listed), 404 or 409.</summary>
    private static async Task<IResult> ApplyAsync(string id, string done, Func<Task> operation, string? created = null)
    {
        try
        {
            await operation();
        }
        catch (CronScheduleException ex)
        {
            return ex.Problem switch
            {
                CronScheduleProblem.NotFound => ApiProblems.NotFound($"No schedule has the id '{id}'; GET /api/v1/schedules lists them."),
                CronScheduleProblem.Exists => ApiProblems.Conflict($"A schedule with id '{id}' exists already; delete it first."),
                _ => ApiProblems.Create(StatusCodes.Status400BadRequest, "Invalid schedule", $"The schedule has {ex.Errors.Count} problem(s); each is listed in 'errors'.",
                    new Dictionary<string, object?> { ["errors"] = ex.Errors.Select(e => new { message = e }).ToArray() }),
            };
        }

        var answer = new ScheduleAnswer(id, done);
        return created is null ? Results.Ok(answer) : Results.Created(created, answer);
    }
}
