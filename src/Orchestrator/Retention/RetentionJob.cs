using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace SagaWorkflow.Orchestrator.Retention;

/// <summary>
/// The retention run: purges finished workflows older than <c>Retention:OlderThan</c>, batch after batch, until none is
/// left. Clustered Quartz fires it on one orchestrator at a time, and <see cref="DisallowConcurrentExecutionAttribute"/>
/// keeps a long run from overlapping the next fire anywhere in the cluster. Stopping the orchestrator ends it between
/// batches; the next run carries on from what is left.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(WorkflowPurge purge, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("retention", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var cutoff = time.GetUtcNow().UtcDateTime - settings.OlderThan;
        try
        {
            var result = await purge.PurgeAsync(new PurgeFilter(cutoff), settings.BatchSize, budget: null,
                progress: batch => logger.LogDebug("Retention batch: {Workflows} workflow(s), {Nodes} node(s), {Attempts} attempt(s), {Fires} fire(s) deleted",
                    batch.Workflows, batch.Nodes, batch.Attempts, batch.ScheduleFires),
                cancellationToken);
            if (result.Purged.Workflows > 0)
                logger.LogInformation(
                    "Retention purged {Workflows} workflow(s) finished before {Cutoff:O} in {Batches} batch(es): {Nodes} node(s), {Attempts} attempt(s), {Fires} schedule fire(s)",
                    result.Purged.Workflows, cutoff, result.Batches, result.Purged.Nodes, result.Purged.Attempts, result.Purged.ScheduleFires);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // What was committed stays purged; the next fire goes on from there. Not refired: a database outage would spin.
            logger.LogWarning(ex, "Retention run failed; the next run (every {Interval}) carries on", settings.Interval);
        }
    }
}
