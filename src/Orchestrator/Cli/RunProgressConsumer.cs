using System.Text.Json;
using MassTransit;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>Subscribes the run verb to its workflow's events and turns them into printed transitions.</summary>
public sealed class RunProgressConsumer(RunMonitor monitor) :
    IConsumer<NodeStarted>, IConsumer<NodeCompleted>, IConsumer<NodeFailed>,
    IConsumer<WorkflowCompleted>, IConsumer<WorkflowFailed>, IConsumer<WorkflowRejected>, IConsumer<WorkflowCancelled>
{
    public Task Consume(ConsumeContext<NodeStarted> context)
    {
        var m = context.Message;
        if (m.WorkflowId == monitor.WorkflowId)
            monitor.Transition(m.NodeId, $"running    (attempt {m.Attempt} on {m.ExecutorId})");
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<NodeCompleted> context)
    {
        var m = context.Message;
        if (m.WorkflowId == monitor.WorkflowId)
            monitor.Transition(m.NodeId, $"succeeded  {(m.Output is { } output ? JsonSerializer.Serialize(output) : "")}");
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<NodeFailed> context)
    {
        var m = context.Message;
        if (m.WorkflowId == monitor.WorkflowId)
            monitor.Transition(m.NodeId, $"failed     (attempt {m.Attempt}{(m.Retryable ? "" : ", not retryable")}) {m.Error}");
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WorkflowCompleted> context) =>
        Finish(context.Message.WorkflowId, new RunOutcome("completed", Outputs: context.Message.Outputs));

    public Task Consume(ConsumeContext<WorkflowFailed> context) =>
        Finish(context.Message.WorkflowId, new RunOutcome("failed", Error: context.Message.Error));

    public Task Consume(ConsumeContext<WorkflowRejected> context) =>
        Finish(context.Message.WorkflowId, new RunOutcome("rejected", Errors: context.Message.Errors));

    public Task Consume(ConsumeContext<WorkflowCancelled> context) =>
        Finish(context.Message.WorkflowId, new RunOutcome("cancelled", Error: context.Message.Reason));

    private Task Finish(Guid workflowId, RunOutcome outcome)
    {
        if (workflowId == monitor.WorkflowId)
            monitor.Finish(outcome);
        return Task.CompletedTask;
    }
}
