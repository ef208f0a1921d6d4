using MassTransit;

namespace SagaWorkflow.NodeExecution.Runtime;

/// <summary>
/// The receive endpoints that take node work (capability, pool and own queues), captured as they become ready, so a
/// drain can stop consuming new work while in-flight attempts finish. The control endpoint is not among them: a
/// draining executor must still hear CancelNode.
/// </summary>
public sealed class NodeEndpoints : IReceiveEndpointObserver
{
    private readonly List<IReceiveEndpoint> _endpoints = [];
    private readonly Lock _lock = new();

    /// <summary>Stops the endpoints' consumers; completes when their in-flight deliveries have completed.</summary>
    public Task StopConsumingAsync(CancellationToken cancellationToken)
    {
        List<IReceiveEndpoint> endpoints;
        lock (_lock)
            endpoints = [.. _endpoints];
        return Task.WhenAll(endpoints.Select(e => e.Stop(cancellationToken)));
    }

    public Task Ready(ReceiveEndpointReady ready)
    {
        lock (_lock)
        {
            if (!_endpoints.Contains(ready.ReceiveEndpoint))
                _endpoints.Add(ready.ReceiveEndpoint);
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;
    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
