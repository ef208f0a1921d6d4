using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SagaWorkflow.Hosting;

/// <summary>
/// Keeps <c>Hosting:ReadyFile</c> in step with readiness: written (<c>{"pid":..,"startedAt":..}</c>) once the host has
/// started and every check tagged <see cref="HealthDefaults.ReadinessTag"/> is healthy, deleted while one is not and
/// rewritten when it is again, deleted when shutdown begins. An exec probe (<c>test -f</c>) then tells a process with no
/// HTTP port, an executor, from one still connecting or stopping; a supervisor or test waits for the file instead of
/// reading log text.
/// </summary>
public sealed class ReadyFileWriter(
    HealthCheckService health, IHostApplicationLifetime lifetime, IOptions<HostingOptions> options, TimeProvider time,
    ILogger<ReadyFileWriter> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ReadyFile is not { Length: > 0 } configured)
            return;
        var path = Path.GetFullPath(configured);
        // A file left by a predecessor killed with -9 (no shutdown code ran) would claim a readiness this process lacks.
        Delete(path);
        // Shutdown begins with ApplicationStopping, long before this service's own stop (an executor drains first):
        // from then on the process takes no new work, so it stops being ready at once.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            await StartedAsync(stopping.Token);
            var startedAt = time.GetUtcNow();
            // Readiness can be lost and regained at any moment (the broker or database goes away and comes back) and
            // nothing announces it, so it is asked for at a steady pace, as an HTTP probe would ask /ready.
            using var timer = new PeriodicTimer(options.Value.ReadyFileInterval, time);
            var written = false;
            do
            {
                var report = await health.CheckHealthAsync(r => r.Tags.Contains(HealthDefaults.ReadinessTag), stopping.Token);
                var ready = report.Status == HealthStatus.Healthy;
                if (ready && !written)
                    written = TryWrite(path, startedAt);
                else if (!ready && written)
                {
                    Delete(path);
                    written = false;
                    logger.LogWarning("Not ready: removed {ReadyFile}; failing: {Checks}", path, string.Join("; ", report.Entries
                        .Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key} ({e.Value.Description ?? e.Value.Status.ToString()})")));
                }
            }
            while (await timer.WaitForNextTickAsync(stopping.Token));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            Delete(path);
        }
    }

    private async Task StartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(cancellationToken);
    }

    private bool TryWrite(string path, DateTimeOffset startedAt)
    {
        try
        {
            // Written beside and moved into place, so a reader never sees half a file.
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(new { pid = Environment.ProcessId, startedAt }, Json));
            File.Move(temporary, path, overwrite: true);
            logger.LogInformation("Ready: wrote {ReadyFile}", path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The next check tries again; a directory that never becomes writable shows here once a second.
            logger.LogWarning(ex, "Cannot write or remove the ready file {ReadyFile}", path);
            return false;
        }
    }

    private void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Cannot write or remove the ready file {ReadyFile}", path);
        }
    }
}
