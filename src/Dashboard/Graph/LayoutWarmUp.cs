using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SagaWorkflow.Dashboard.Graph;

/// <summary>
/// Lays out two made-up graphs once the process has started, one on each of <see cref="MsaglLayout"/>'s paths (splines up
/// to <see cref="MsaglLayout.SimpleEdgesAbove"/> nodes, the cheaper layout above), so MSAGL's code is compiled before a
/// user's first graph needs it. Measured on a fresh process: the first 1,000-node layout took 1.1-1.4 s of wall clock,
/// most of it compiling MSAGL, against 80-200 ms of CPU once compiled; it was the part of the first view that missed 2 s.
/// Costs about half a second of CPU once, on one thread-pool thread, after the process is ready; nothing is cached.
/// </summary>
public sealed class LayoutWarmUp(IHostApplicationLifetime lifetime, ILogger<LayoutWarmUp> logger) : IHostedService
{
    private Task? _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // After start: the warm-up must not delay readiness (an orchestrator replacing a dead one has a backlog to take).
        lifetime.ApplicationStarted.Register(() => _running = Task.Run(() => WarmUp(lifetime.ApplicationStopping)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _running ?? Task.CompletedTask;

    private void WarmUp(CancellationToken stopping)
    {
        try
        {
            var watch = Stopwatch.StartNew();
            foreach (var count in new[] { 6, MsaglLayout.SimpleEdgesAbove + 1 })
            {
                if (stopping.IsCancellationRequested)
                    return;
                MsaglLayout.Compute(Layered(count, width: 5));
            }

            logger.LogDebug("Graph layout warmed up in {Milliseconds} ms", watch.ElapsedMilliseconds);
        }
        catch (Exception exception)
        {
            // Only a head start: a real layout that fails the same way reports it where it is asked for.
            logger.LogWarning(exception, "Graph layout warm-up failed");
        }
    }

    /// <summary>A root, then layers of <paramref name="width"/> nodes each depending on two of the layer before.</summary>
    private static List<DagNode> Layered(int count, int width) => [.. Enumerable.Range(0, count).Select(i => new DagNode(
        $"n{i}", "noop", i == 0 ? [] : i <= width ? ["n0"] : new[] { $"n{i - width}", $"n{i - width + (i % width == 0 ? -1 : 1)}" }.Distinct().ToArray()))];
}
