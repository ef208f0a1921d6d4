using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SagaWorkflow.Hosting;
using SagaWorkflow.Tests.Integration;

namespace SagaWorkflow.Tests.Hosting;

/// <summary><c>Hosting:ReadyFile</c> follows the readiness checks, driven by a fake clock and a health service the test switches.</summary>
public sealed class When_a_host_keeps_a_ready_file : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("ready-file-test-");
    private readonly SwitchableHealth _health = new();
    private readonly FakeLifetime _lifetime = new();
    private readonly FakeTimeProvider _time = new();

    private string ReadyFile => Path.Combine(_directory.FullName, "ready.json");

    [Fact]
    public async Task It_exists_exactly_while_the_host_has_started_and_its_ready_checks_pass()
    {
        // Left by a predecessor killed with -9: it must not vouch for this process.
        await File.WriteAllTextAsync(ReadyFile, "stale");
        using var writer = new ReadyFileWriter(_health, _lifetime, Options.Create(new HostingOptions { ReadyFile = ReadyFile, ReadyFileInterval = Interval }),
            _time, NullLogger<ReadyFileWriter>.Instance);
        _health.Status = HealthStatus.Healthy;
        await writer.StartAsync(CancellationToken.None);

        await WaitForFileAsync(exists: false);
        _time.Advance(Interval * 3);
        Assert.Equal(0, _health.Checks);

        _lifetime.Start();
        await WaitForFileAsync(exists: true);
        using (var content = JsonDocument.Parse(await File.ReadAllTextAsync(ReadyFile)))
        {
            Assert.Equal(Environment.ProcessId, content.RootElement.GetProperty("pid").GetInt32());
            Assert.Equal(_time.GetUtcNow(), content.RootElement.GetProperty("startedAt").GetDateTimeOffset());
        }

        Assert.Equal(["bus"], _health.AskedFor);

        _health.Status = HealthStatus.Degraded;
        _time.Advance(Interval);
        await WaitForFileAsync(exists: false);

        _health.Status = HealthStatus.Healthy;
        _time.Advance(Interval);
        await WaitForFileAsync(exists: true);

        // Shutdown begins (an executor then drains for a while): no longer ready, before the writer itself is stopped.
        _lifetime.Stop();
        await WaitForFileAsync(exists: false);
        _time.Advance(Interval);
        await writer.StopAsync(CancellationToken.None);
        Assert.False(File.Exists(ReadyFile));
    }

    [Fact]
    public void A_ready_file_in_a_directory_that_does_not_exist_fails_the_start_naming_the_key()
    {
        var missing = Path.Combine(_directory.FullName, "no-such-directory", "ready.json");

        var result = ValidateAtStart(new HostingOptions { ReadyFile = missing });

        Assert.True(result.Failed);
        Assert.Contains($"Hosting:ReadyFile '{missing}'", result.FailureMessage, StringComparison.Ordinal);
    }

    // The writer works on its own thread; each step waits for the file to follow (the fake clock does not move meanwhile).
    private Task WaitForFileAsync(bool exists) =>
        Eventually.WaitUntilAsync(() => Task.FromResult(File.Exists(ReadyFile) == exists), TimeSpan.FromSeconds(10),
            () => Task.FromResult($"the ready file {(exists ? "never appeared" : "stayed")} (health {_health.Status}, {_health.Checks} checks)"));

    public void Dispose()
    {
        _lifetime.Dispose();
        _directory.Delete(recursive: true);
    }

    /// <summary>Validates as the host does at start, through the options pipeline <c>AddReadyFile</c> registers.</summary>
    private static ValidateOptionsResult ValidateAtStart(HostingOptions options)
    {
        using var provider = new ServiceCollection().AddReadyFile().BuildServiceProvider();
        return provider.GetServices<IValidateOptions<HostingOptions>>().Select(v => v.Validate(Options.DefaultName, options))
            .FirstOrDefault(r => r.Failed) ?? ValidateOptionsResult.Success;
    }

    /// <summary>A health check service whose overall status the test sets; it records which checks it was asked for.</summary>
    private sealed class SwitchableHealth : HealthCheckService
    {
        private static readonly HealthCheckRegistration[] Registrations =
        [
            new("bus", _ => null!, null, [HealthDefaults.ReadinessTag]),
            new("not-for-readiness", _ => null!, null, ["live"]),
        ];

        private int _checks;

        public HealthStatus Status { get; set; } = HealthStatus.Unhealthy;
        public int Checks => Volatile.Read(ref _checks);
        public List<string> AskedFor { get; private set; } = [];

        public override Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default)
        {
            AskedFor = Registrations.Where(r => predicate?.Invoke(r) ?? true).Select(r => r.Name).ToList();
            Interlocked.Increment(ref _checks);
            return Task.FromResult(new HealthReport(new Dictionary<string, HealthReportEntry>(), Status, TimeSpan.Zero));
        }
    }

    private sealed class FakeLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();
        private readonly CancellationTokenSource _stopping = new();
        private readonly CancellationTokenSource _stopped = new();

        public CancellationToken ApplicationStarted => _started.Token;
        public CancellationToken ApplicationStopping => _stopping.Token;
        public CancellationToken ApplicationStopped => _stopped.Token;

        public void Start() => _started.Cancel();
        public void Stop() => _stopping.Cancel();
        public void StopApplication() => Stop();

        public void Dispose()
        {
            _started.Dispose();
            _stopping.Dispose();
            _stopped.Dispose();
        }
    }
}
