using MassTransit;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// Accepts plain-JSON <see cref="StartWorkflow"/> bodies on <c>workflow-submit</c> (docs/operations.md shows the exact
/// AMQP message) and forwards them to the saga with a definite workflow id: the client's, else the AMQP message_id,
/// so a redelivered submit maps to the same workflow. The plain-JSON endpoint is separate from the saga's queue
/// because a raw body carries no type: on the saga's queue it would be read as every event the saga consumes.
/// </summary>
public sealed class SubmitWorkflowConsumer : IConsumer<StartWorkflow>
{
    public async Task Consume(ConsumeContext<StartWorkflow> context)
    {
        var workflowId = context.Message.WorkflowId ?? context.MessageId ?? NewId.NextGuid();
        var endpoint = await context.GetSendEndpoint(new Uri("queue:" + NodeQueues.WorkflowState));
        await endpoint.Send(context.Message with { WorkflowId = workflowId, Trigger = context.Message.Trigger ?? "message" }, context.CancellationToken);
    }
}
