using MassTransit;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Orchestrator.ExecutorRegistry;

/// <summary>
/// Tells each workflow's saga which of its attempts an executor no longer takes care of (lost, or draining before it
/// started them): one <see cref="ReassignNodes"/> per workflow, since only the saga writes its node rows.
/// </summary>
internal static class Reassignments
{
    public static async Task SendAsync(ConsumeContext context, string executorId, IEnumerable<(Guid WorkflowId, string NodeId, int Attempt)> attempts,
        string reason, bool draining = false)
    {
        var endpoint = await context.GetSendEndpoint(NodeQueues.WorkflowStateAddress);
        foreach (var workflow in attempts.GroupBy(a => a.WorkflowId))
        {
            await endpoint.Send(new ReassignNodes
            {
                WorkflowId = workflow.Key,
                ExecutorId = executorId,
                Attempts = workflow.Select(a => new NodeAttemptRef { NodeId = a.NodeId, Attempt = a.Attempt }).ToList(),
                Reason = reason,
                Draining = draining,
            }, context.CancellationToken);
        }
    }
}
