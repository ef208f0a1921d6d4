using MassTransit;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// Completes once the bus has started and every receive endpoint is ready, which on RabbitMQ means every exchange
/// binding the endpoints declare exists. Anything that publishes on its own at start-up (the scheduler's cron fires
/// and timers) awaits it: on a fresh vhost a message published to an exchange not yet bound to the saga's queue is
/// routed nowhere, and a cron fire recorded as started would have no workflow.
/// </summary>
public sealed class BusReadiness : IBusObserver
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    public async Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        await busReady;
        _ready.TrySetResult();
    }

    public void PostCreate(IBus bus)
    {
    }

    public void CreateFaulted(Exception exception)
    {
    }

    public Task PreStart(IBus bus) => Task.CompletedTask;

    // A bus that failed to start is retried by MassTransit's hosted service: stay not-ready rather than fail for good.
    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    public Task PreStop(IBus bus) => Task.CompletedTask;

    public Task PostStop(IBus bus) => Task.CompletedTask;

    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
}
