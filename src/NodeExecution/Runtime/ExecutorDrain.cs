using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>
/// Drains this executor: stop taking node work, let in-flight attempts finish until the deadline, hand the rest back
/// (they report NodeFailed with HandedOver, and the saga dispatches them elsewhere at once), then publish
/// <see cref="ExecutorDrained"/>. Runs once; a second request while draining joins the first, one after it is answered
/// with ExecutorDrained again.
/// </summary>
public sealed class ExecutorDrain(
    NodeEndpoints endpoints,
    RunningExecutions running,
    NodeCapacity capacity,
    IBus bus,
    ExecutorInstance instance,
    IOptions<ExecutorOptions> options,
    TimeProvider time,
    ILogger<ExecutorDrain> logger)
{
    private readonly Lock _lock = new();
    private Task? _drain;

    public bool IsDraining => _drain is not null;

    /// <summary>Drains (shutdown waits on this); once drained, later calls return the finished drain.</summary>
    public Task DrainAsync(TimeSpan? deadline, string reason)
    {
        lock (_lock)
            return _drain ??= Task.Run(() => RunAsync(deadline, reason));
    }

    /// <summary>
    /// A drain request from an operator. One after the drain finished (a repeated request, or <c>sagaflow drain --watch</c>
    /// on a drained executor) is answered with <see cref="ExecutorDrained"/> again: the registry cleared drainedAt on the
    /// new request and would otherwise never see it set. Completes once the request is taken (the drain itself goes on
    /// in the background), so a failed re-publish fails the delivery and is retried.
    /// </summary>
    public Task RequestAsync(TimeSpan? deadline, string reason)
    {
        lock (_lock)
        {
            if (_drain is not { IsCompleted: true })
            {
                _drain ??= Task.Run(() => RunAsync(deadline, reason));
                return Task.CompletedTask;
            }
        }

        return PublishDrainedAgainAsync();
    }

    private Task PublishDrainedAgainAsync() => bus.Publish(new ExecutorDrained
    {
        ExecutorId = options.Value.ExecutorId,
        InstanceId = instance.Id,
        Timestamp = time.GetUtcNow().UtcDateTime,
    });

    private async Task RunAsync(TimeSpan? deadline, string reason)
    {
        var executorId = options.Value.ExecutorId;
        var inFlight = running.Count;
        logger.Log(inFlight > 0 ? LogLevel.Warning : LogLevel.Information, "Draining executor {ExecutorId} ({Reason}): {Count} attempt(s) in flight, deadline {Deadline}",
            executorId, reason, inFlight, deadline?.ToString() ?? "none");
        // Deliveries still waiting for a slot (capacity lowered below the prefetch) go back unstarted rather than start now.
        capacity.Close();
        // Stopping the endpoints completes once their deliveries are done, so it is not awaited before the deadline logic.
        var stopped = endpoints.StopConsumingAsync(CancellationToken.None);
        var handedOver = 0;
        using (var timeout = deadline is { } d ? new CancellationTokenSource(d, time) : new CancellationTokenSource())
        {
            try
            {
                await running.WhenIdleAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                handedOver = running.HandOverAll();
                logger.LogWarning("Drain deadline of executor {ExecutorId} passed: handing {Count} attempt(s) back", executorId, handedOver);
                await running.WhenIdleAsync(CancellationToken.None);
            }
        }

        await stopped;
        await bus.Publish(new ExecutorDrained
        {
            ExecutorId = executorId,
            InstanceId = instance.Id,
            Completed = Math.Max(0, inFlight - handedOver),
            HandedOver = handedOver,
            Timestamp = time.GetUtcNow().UtcDateTime,
        });
        logger.LogInformation("Executor {ExecutorId} drained: {Completed} finished, {HandedOver} handed back", executorId, inFlight - handedOver, handedOver);
    }
}

/// <summary>This process's instance id: random per start, so a restart under the same executor id is told apart.</summary>
public sealed class ExecutorInstance
{
    public Guid Id { get; } = Guid.NewGuid();
}
