using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Orchestrator.Recovery;

/// <summary>
/// Closes the one gap the in-memory outbox leaves: a crash after the saga row is committed but before the broker has
/// its ExecuteNode. Such a node stays <c>dispatched</c> forever, so nodes dispatched longer than
/// <see cref="OrchestratorOptions.RedispatchAfter"/> ago are handed back to the saga (<see cref="RecoverNode"/>), which
/// decides under its own concurrency control. Every orchestrator runs one; duplicates are fenced by attempt. A node with a
/// waiting reason (no executor online can take it) is queued, not lost, so it is left alone.
/// </summary>
public sealed class StaleDispatchSweeper(
    WorkflowDbContextFactory dbContextFactory,
    ISendEndpointProvider sendEndpoints,
    IOptions<OrchestratorOptions> options,
    TimeProvider time,
    ILogger<StaleDispatchSweeper> logger) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A database or broker hiccup must not end the sweeper: the next tick tries again.
                logger.LogWarning(ex, "Stale dispatch sweep failed");
            }
        }
    }

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.RedispatchAfter;
        await using var db = dbContextFactory.Create();
        var stale = await db.Nodes
            .Where(n => n.State == NodeStatus.Dispatched && n.DispatchedAt < cutoff && n.WaitingReason == null)
            .OrderBy(n => n.DispatchedAt)
            .Take(BatchSize)
            .Select(n => new RecoverNode { WorkflowId = n.WorkflowId, NodeId = n.NodeId, Attempt = n.Attempt })
            .ToListAsync(cancellationToken);
        if (stale.Count == 0)
            return 0;

        logger.LogWarning("{Count} node(s) dispatched before {Cutoff:O} never started; asking their workflows to re-dispatch", stale.Count, cutoff);
        var endpoint = await sendEndpoints.GetSendEndpoint(new Uri("queue:" + NodeQueues.WorkflowState));
        foreach (var command in stale)
            await endpoint.Send(command, cancellationToken);
        return stale.Count;
    }
}
