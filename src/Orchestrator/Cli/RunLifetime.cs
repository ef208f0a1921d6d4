using Microsoft.Extensions.Hosting;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>A host lifetime that ignores Ctrl+C: the run verb handles it by cancelling the workflow instead.</summary>
internal sealed class RunLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
