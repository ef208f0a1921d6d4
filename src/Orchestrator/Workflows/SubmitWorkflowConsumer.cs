using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Orchestrator.Recovery;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// Accepts plain-JSON <see cref="StartWorkflow"/> bodies on <c>workflow-submit</c> (docs/operations.md shows the exact
/// AMQP message) and forwards them to the saga with a definite workflow id: the client's, else the AMQP message_id,
/// so a redelivered submit maps to the same workflow. The plain-JSON endpoint is separate from the saga's queue
/// because a raw body carries no type: on the saga's queue it would be read as every event the saga consumes.
/// <para>
/// A client of this queue sees no answer but the error queue, so what can be judged here is judged here: a body too
/// large, or one whose inline definition is invalid, throws <see cref="SubmitRejectedException"/> and lands in
/// <c>workflow-submit_error</c> with the reason in <c>MT-Fault-Message</c>. A named definition is looked up by the saga,
/// which publishes <see cref="WorkflowRejected"/> if it is unknown.
/// </para>
/// </summary>
public sealed class SubmitWorkflowConsumer(IOptions<OrchestratorOptions> options, ILogger<SubmitWorkflowConsumer> logger) : IConsumer<StartWorkflow>
{
    public async Task Consume(ConsumeContext<StartWorkflow> context)
    {
        var bytes = context.ReceiveContext.Body.Length ?? context.ReceiveContext.Body.GetBytes().LongLength;
        var problems = Problems(context.Message, bytes, options.Value.MaxSubmitBytes);
        if (problems.Count > 0)
            throw new SubmitRejectedException($"workflow-submit rejected this message: {string.Join("; ", problems)}");
        var workflowId = context.Message.WorkflowId ?? context.MessageId ?? NewId.NextGuid();
        if (context.Message.WorkflowId is null && context.MessageId is null)
            logger.LogWarning("A plain-JSON submit without workflowId or message_id started workflow {WorkflowId}; a redelivery of it would start another",
                workflowId);
        var endpoint = await context.GetSendEndpoint(NodeQueues.WorkflowStateAddress);
        await endpoint.Send(context.Message with { WorkflowId = workflowId, Trigger = context.Message.Trigger ?? "message" }, context.CancellationToken);
    }

    private static List<string> Problems(StartWorkflow message, long bytes, long maxBytes)
    {
        if (bytes > maxBytes)
            return [$"the body is {bytes} bytes; at most {maxBytes} are taken ({OrchestratorOptions.Section}:{nameof(OrchestratorOptions.MaxSubmitBytes)})"];
        if (message.Definition is null && message.DefinitionName is null)
            return ["it names no definition: give 'definition' (inline) or 'definitionName' (registered), see docs/operations.md"];
        return message.DefinitionName is null
            ? [.. WorkflowDefinitionValidator.Validate(message.Definition).Select(e => e.ToString())]
            : [];
    }
}

/// <summary>A plain-JSON submit that cannot start a workflow; its message says why (it becomes <c>MT-Fault-Message</c>).</summary>
public sealed class SubmitRejectedException(string message) : Exception(message);
