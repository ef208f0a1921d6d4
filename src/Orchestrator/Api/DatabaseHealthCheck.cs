using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>Readiness: the database answers a real query (not just a pooled connection opening) within a few seconds.</summary>
public sealed class DatabaseHealthCheck(WorkflowDbContextFactory databases, IOptions<PersistenceOptions> persistence) : IHealthCheck
{
    /// <summary>How long a readiness probe may wait on the database before it counts as unreachable.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await using var db = databases.Create();
            // A stopped server fails here, where opening a pooled connection might not.
            await db.Database.ExecuteSqlRawAsync("SELECT 1", timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(ex is OperationCanceledException
                ? $"no answer within {ProbeTimeout.TotalSeconds:0} s"
                // /ready is unauthenticated: the driver's message goes out only with the password masked.
                : ConnectionStringSecrets.Redact(ex.GetBaseException().Message, persistence.Value.ConnectionString));
        }
    }
}
