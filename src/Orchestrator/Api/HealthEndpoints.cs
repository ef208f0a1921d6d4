using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// <c>/health</c>: the process answers (liveness; restart it when this fails). <c>/ready</c>: it can do its work — the
/// database answers a query, the bus is connected, the scheduler runs — each check with its own status and detail;
/// any failing check makes it 503 so a load balancer or orchestrator stops routing to it.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>How long a readiness probe may wait on the database before it counts as unreachable.</summary>
    public static readonly TimeSpan DatabaseProbeTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Results.Ok(new { status = "alive" }));
        app.MapGet("/ready", ReadyAsync);
        return app;
    }

    public sealed record Check(string Name, string Status, string? Detail);

    private static async Task<IResult> ReadyAsync(WorkflowDbContextFactory databases, IOptions<PersistenceOptions> persistence, IBusControl bus,
        ISchedulerFactory schedulers, CancellationToken cancellationToken)
    {
        Check[] checks = [await DatabaseAsync(databases, persistence.Value, cancellationToken), Bus(bus), await SchedulerAsync(schedulers, cancellationToken)];
        var ready = checks.All(c => c.Status == "ok");
        return Results.Json(new { status = ready ? "ready" : "not ready", checks },
            statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Check> DatabaseAsync(WorkflowDbContextFactory databases, PersistenceOptions persistence, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DatabaseProbeTimeout);
        try
        {
            await using var db = databases.Create();
            // A real round trip (not just opening a pooled connection): a stopped server fails here.
            await db.Database.ExecuteSqlRawAsync("SELECT 1", timeout.Token);
            return new Check("database", "ok", null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Check("database", "failing", ex is OperationCanceledException
                ? $"no answer within {DatabaseProbeTimeout.TotalSeconds:0} s"
                // /ready is unauthenticated: the driver's message goes out only with the password masked.
                : ConnectionStringSecrets.Redact(ex.GetBaseException().Message, persistence.ConnectionString));
        }
    }

    private static Check Bus(IBusControl bus)
    {
        var health = bus.CheckHealth();
        return new Check("bus", health.Status == BusHealthStatus.Healthy ? "ok" : "failing",
            health.Status == BusHealthStatus.Healthy ? null : $"{health.Status}: {health.Description}");
    }

    private static async Task<Check> SchedulerAsync(ISchedulerFactory schedulers, CancellationToken cancellationToken)
    {
        var scheduler = (await schedulers.GetAllSchedulers(cancellationToken)).FirstOrDefault();
        if (scheduler is null)
            return new Check("scheduler", "failing", "no Quartz scheduler created yet");
        var status = await scheduler.GetStatus(cancellationToken);
        return status == SchedulerStatus.Running ? new Check("scheduler", "ok", null)
            : new Check("scheduler", "failing", $"the Quartz scheduler is {status}, not Running");
    }
}
