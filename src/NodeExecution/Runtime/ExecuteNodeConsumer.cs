using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>
/// Runs one <see cref="ExecuteNode"/> on the executor for its capability and publishes NodeStarted, then NodeCompleted
/// or NodeFailed. Every outcome is published, including a missing executor and a thrown exception. A broker outage does
/// not stop a running attempt: it runs on, and its result is published once the broker is back
/// (<see cref="NodeResultDelivery"/>); the copy of its command the broker then hands out again is dropped here while
/// it runs, or answered with the result it already had (docs/failover.md, "Broker restarts").
/// </summary>
public sealed class ExecuteNodeConsumer(
    IEnumerable<INodeExecutor> executors,
    RunningExecutions running,
    NodeResultDelivery delivery,
    NodeCapacity capacity,
    ExecutorInstance instance,
    ExecutorDrain drain,
    IOptions<ExecutorOptions> options,
    TimeProvider time,
    ILogger<ExecuteNodeConsumer> logger) : IConsumer<ExecuteNode>
{
    public async Task Consume(ConsumeContext<ExecuteNode> context)
    {
        var m = context.Message;
        var executorId = options.Value.ExecutorId;
        // WorkflowLogScope already put the message's WorkflowId / NodeId / Attempt in scope; the executor is this process.
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ExecutorId"] = executorId });
        var executor = executors.FirstOrDefault(e => e.Capability == m.Capability);
        if (executor is null)
        {
            await PublishFailed(context, $"no executor for capability '{m.Capability}' on executor {executorId}", retryable: false);
            return;
        }

        // The orchestrator already superseded this attempt (its executor was declared lost, and the broker later handed
        // the unacknowledged command to us): running it would only produce a result the saga fences off.
        if (running.WasCancelled(m.ExecutionId))
        {
            logger.LogWarning("Execution {ExecutionId} was superseded before it reached this executor; not started", m.ExecutionId);
            return;
        }

        // A redelivery means the executor that had this command vanished, possibly mid-run. A node that must not run twice
        // goes back to the saga unrun, which parks or fails it per its policy; others simply run again (at-least-once).
        if (context.ReceiveContext.Redelivered && m.OnExecutorLost != "redispatch")
        {
            logger.LogWarning("Execution {ExecutionId} was redelivered and its policy is {Policy}; reporting it instead of running it again", m.ExecutionId, m.OnExecutorLost);
            await context.Publish(new NodeFailed
            {
                WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = executorId,
                Error = "redelivered after the executor holding it disconnected; it may have run", Retryable = false, ExecutorLost = true, Timestamp = Now,
            });
            return;
        }

        // At-least-once delivery can hand this process a copy of an attempt it is still running, or ran, here (the
        // redelivery after a broker restart); running it again would double its side effects. A running one will
        // report; a finished one reports again (the saga applies one result per attempt and ignores the repeat).
        if (running.TryGetFinished(m.ExecutionId, out var earlier))
        {
            logger.LogWarning("Execution {ExecutionId} already finished here; its result is published again instead of running it twice", m.ExecutionId);
            await delivery.PublishAsync(context, earlier, m.ExecutionId);
            return;
        }

        // Sticky routing sent it to this executor's own queue for one process: another process under the same id (a
        // restart finding the killed one's copies in the durable queue) or this one draining gives it back unrun, and the
        // saga dispatches it to the key's current owner, or fences it off if it has moved it already.
        if (m.RoutedInstance is { } routedTo && (routedTo != instance.Id || drain.IsDraining))
        {
            var why = routedTo != instance.Id ? $"it was routed to an earlier process of executor {executorId}" : $"executor {executorId} drains";
            logger.LogWarning("Execution {ExecutionId} handed back unstarted: {Why}", m.ExecutionId, why);
            await context.Publish(new NodeFailed
            {
                WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = executorId,
                Error = $"handed back unstarted: {why}", Retryable = true, HandedOver = true, Timestamp = Now,
            });
            return;
        }

        // The runtime concurrency limit of this queue (PUT /api/v1/executors/{id}/capacity); the transport's prefetch is its ceiling.
        var limit = capacity.For(context.ReceiveContext.InputAddress);
        if (await limit.AcquireAsync(context.CancellationToken) is not { } startedAt)
        {
            logger.LogWarning("Execution {ExecutionId} waited for a slot while the executor began draining; handed back unstarted", m.ExecutionId);
            await context.Publish(new NodeFailed
            {
                WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = executorId,
                Error = $"handed back unstarted by draining executor {executorId}", Retryable = true, HandedOver = true, Timestamp = Now,
            });
            return;
        }

        try
        {
            await RunAsync(context, executor, executorId, startedAt);
        }
        finally
        {
            limit.Release();
        }
    }

    private async Task RunAsync(ConsumeContext<ExecuteNode> context, INodeExecutor executor, string executorId, DateTime startedAt)
    {
        var m = context.Message;
        // Cancelled (timed out, reassigned) while it waited for a slot.
        if (running.WasCancelled(m.ExecutionId))
        {
            logger.LogWarning("Execution {ExecutionId} was superseded while it waited for a slot; not started", m.ExecutionId);
            return;
        }

        using var registration = running.TryStart(m.ExecutionId);
        if (registration is null)
        {
            logger.LogWarning("Execution {ExecutionId} is already running here; duplicate delivery dropped", m.ExecutionId);
            return;
        }

        var run = Run(executor, m, registration.Token);
        // A short attempt reports its start with its result (one saga transaction fewer); a longer one reports it
        // once it has run StartReportDelay, so the node shows running and its deadline is armed.
        var delay = options.Value.StartReportDelay;
        if (delay <= TimeSpan.Zero || await Task.WhenAny(run, Task.Delay(delay, time, CancellationToken.None)) != run)
            await delivery.TryPublishAsync(context, new NodeStarted { WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = executorId, Timestamp = startedAt }, m.ExecutionId);
        var result = await run;
        object report;
        if (registration.HandedOver)
        {
            logger.LogWarning("Execution {ExecutionId} handed back at the drain deadline", m.ExecutionId);
            report = new NodeFailed
            {
                WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = executorId,
                Error = $"handed back by draining executor {executorId} at its drain deadline", Retryable = true, HandedOver = true, Timestamp = Now,
                StartedAt = startedAt,
            };
        }
        else if (result.Succeeded)
        {
            report = new NodeCompleted
            {
                WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = executorId, Output = result.Output, Timestamp = Now,
                StartedAt = startedAt,
            };
        }
        else
        {
            var error = result.Error ?? "failed without an error message";
            logger.LogWarning("Node {NodeId} attempt {Attempt} failed: {Error}", m.NodeId, m.Attempt, error);
            report = new NodeFailed
            {
                WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = executorId,
                Error = error, Retryable = result.Retryable, Timestamp = Now, StartedAt = startedAt,
            };
        }

        // Remembered before it is published, so a copy of the command that arrives while the broker is away finds it.
        running.Finished(m.ExecutionId, report);
        await delivery.PublishAsync(context, report, m.ExecutionId);
    }

    private async Task<NodeExecutionResult> Run(INodeExecutor executor, ExecuteNode m, CancellationToken cancellationToken)
    {
        var request = new NodeExecutionRequest(m.WorkflowId, m.NodeId, m.Attempt, m.ExecutionId, m.Input, m.DependencyOutputs, m.WorkflowInput);
        try
        {
            return await executor.ExecuteAsync(request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled by the orchestrator (deadline, cancel, failover) or handed over by a drain: the saga has moved on
            // or dispatches it elsewhere, so this report is only for the record.
            return NodeExecutionResult.Failure("cancelled while running", retryable: true);
        }
        catch (Exception ex)
        {
            // An executor bug must still end the attempt, or the node would wait for a result that never comes.
            logger.LogError(ex, "Executor {Capability} threw", executor.Capability);
            return NodeExecutionResult.Failure($"{ex.GetType().Name}: {ex.Message}", retryable: true);
        }
    }

    private Task PublishFailed(ConsumeContext<ExecuteNode> context, string error, bool retryable)
    {
        var m = context.Message;
        logger.LogWarning("Node {NodeId} attempt {Attempt} failed: {Error}", m.NodeId, m.Attempt, error);
        return context.Publish(new NodeFailed
        {
            WorkflowId = m.WorkflowId, NodeId = m.NodeId, Attempt = m.Attempt, ExecutorId = options.Value.ExecutorId,
            Error = error, Retryable = retryable, Timestamp = Now,
        });
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
