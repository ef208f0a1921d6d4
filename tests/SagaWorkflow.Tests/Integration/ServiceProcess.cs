using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// A real orchestrator or executor process started from the built binaries next to the tests, with its output kept
/// for assertions and, given a test's output helper, echoed there line by line (prefixed with the process's name).
/// It is ready when its ready file (<c>Hosting:ReadyFile</c>, a path of its own) appears. <see cref="KillHard"/> is
/// kill -9: no shutdown code runs, connections just drop.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopWatching = new();
    private readonly ITestOutputHelper? _echo;
    private bool _disposed;

    private ServiceProcess(string name, Process process, string readyFile, ITestOutputHelper? echo)
    {
        Name = name;
        _process = process;
        ReadyFile = readyFile;
        _echo = echo;
    }

    /// <summary>
    /// Where the orchestrator and executor programs are started from: <c>SAGAWORKFLOW_TEST_PROGRAMS</c> when set (scripts/test.sh
    /// publishes both there compiled ReadyToRun, docs/testing.md), else the build output next to the tests (plain
    /// <c>dotnet test</c> after a build).
    /// </summary>
    private static readonly string? PublishedPrograms = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_PROGRAMS") is { Length: > 0 } published
        ? published
        : null;

    /// <summary>
    /// How the programs' JIT runs, unless the test or the caller's environment says otherwise. The suite is CPU-bound on
    /// small machines and its processes live for seconds, so the JIT's warm-up is most of what they cost: ReadyToRun
    /// code is used as it is, without tiering up (an idle orchestrator otherwise spends more CPU in its first 40 s
    /// recompiling hot methods than in starting); on plain IL only dynamic PGO's instrumented tier is left out (fully
    /// optimising every method at its first call would start a process at about 1.7 times the CPU). No test depends on either.
    /// </summary>
    private static readonly (string Key, string Value) JitSetting = PublishedPrograms is not null
        ? ("DOTNET_TieredCompilation", "0")
        : ("DOTNET_TieredPGO", "0");

    /// <summary>Where each process's ready file goes: a directory of the test run's own, one file per process.</summary>
    private static readonly string ReadyDirectory = Directory.CreateTempSubdirectory("sagaworkflow-ready-").FullName;

    public string Name { get; }
    public int Id => _process.Id;
    /// <summary>Whether the process has ended; a disposed one (killed and let go, as a replaced orchestrator is) has.</summary>
    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>The file the process writes while it is ready and removes when it is not (docs/operations.md).</summary>
    public string ReadyFile { get; }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static Task<ServiceProcess> OrchestratorAsync(string name, IDictionary<string, string> settings, ITestOutputHelper? echo) =>
        StartAsync(name, "SagaWorkflow.Orchestrator.dll", ["serve"], settings, echo);

    /// <summary>An orchestrator process, not waited for: to watch it wait for its database, or give up on it.</summary>
    public static ServiceProcess LaunchOrchestrator(string name, IDictionary<string, string> settings, ITestOutputHelper? echo) =>
        Launch(name, "SagaWorkflow.Orchestrator.dll", ["serve"], settings, echo);

    /// <summary>Completes once the process is ready (its ready file appeared); faults if it exits first.</summary>
    public Task Started => _started.Task;

    /// <summary>The exit code of a process expected to end by itself within <paramref name="timeout"/>.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        // The exit event can fire before the last redirected lines are read; this waits for them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public static Task<ServiceProcess> ExecutorAsync(string name, IDictionary<string, string> settings, string capabilities, int concurrency,
        IEnumerable<string> extraArgs, ITestOutputHelper? echo) =>
        StartAsync(name, "SagaWorkflow.Executors.dll",
            ["--capabilities", capabilities, "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "--executor-id", name, .. extraArgs],
            settings, echo);

    /// <summary>An executor process, not waited for: to watch it fail to reach its broker.</summary>
    public static ServiceProcess LaunchExecutor(string name, IDictionary<string, string> settings, string capabilities, ITestOutputHelper? echo) =>
        Launch(name, "SagaWorkflow.Executors.dll", ["--capabilities", capabilities, "--executor-id", name], settings, echo);

    private static async Task<ServiceProcess> StartAsync(string name, string dll, string[] args, IDictionary<string, string> settings, ITestOutputHelper? echo)
    {
        var service = Launch(name, dll, args, settings, echo);
        try
        {
            await service._started.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch
        {
            // Nobody owns it yet: a process that never got ready must not outlive the test that started it.
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    private static ServiceProcess Launch(string name, string dll, string[] args, IDictionary<string, string> settings, ITestOutputHelper? echo)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(PublishedPrograms ?? AppContext.BaseDirectory, dll));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in settings)
            info.Environment[key] = value;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        if (!info.Environment.ContainsKey("DOTNET_TieredCompilation") && !info.Environment.ContainsKey("DOTNET_TieredPGO"))
            info.Environment[JitSetting.Key] = JitSetting.Value;
        var readyFile = Path.Combine(ReadyDirectory, $"{name}-{Guid.NewGuid():N}.json");
        info.Environment["Hosting__ReadyFile"] = readyFile;
        // Checked four times a second rather than the default once: every test waits for its processes to be ready.
        info.Environment["Hosting__ReadyFileInterval"] = "00:00:00.250";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, process, readyFile, echo);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Exited += (_, _) => service._started.TrySetException(new InvalidOperationException($"{name} exited with {process.ExitCode} before it was ready:\n{service.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = service.WatchReadyFileAsync();
        return service;
    }

    /// <summary>
    /// Completes <see cref="Started"/> once the ready file exists. Looking for the file every 50 ms reads a signal the
    /// process gives, not a guess at how long starting takes; a FileSystemWatcher would save the looking but can miss
    /// events (its buffer overflows, inotify watches run out on a shared machine), and then a test would hang.
    /// </summary>
    private async Task WatchReadyFileAsync()
    {
        try
        {
            while (!File.Exists(ReadyFile))
                await Task.Delay(TimeSpan.FromMilliseconds(50), _stopWatching.Token);
            _started.TrySetResult();
        }
        catch (OperationCanceledException)
        {
            // Disposed before it was ready: nobody waits any more.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        Echo(line);
        // Plain or JSON console format alike: the URL runs up to whitespace or a quote.
        if (ListeningOn().Match(line) is { Success: true } listening)
            _apiUrl.TrySetResult(new Uri(listening.Groups[1].Value));
    }

    private void Echo(string line)
    {
        try
        {
            _echo?.WriteLine($"[{Name}] {line}");
        }
        catch (InvalidOperationException)
        {
            // xunit refuses output once the test has ended; a process may still print while it is killed after that.
        }
    }

    private readonly TaskCompletionSource<Uri> _apiUrl = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Where an orchestrator's HTTP API listens (it logs the port Kestrel picked; the web server starts after the bus).</summary>
    public Task<Uri> ApiUrlAsync() => _apiUrl.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>SIGKILL, and wait until the process is gone.</summary>
    public async Task KillHard()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGSTOP: the process freezes with its connections open (a hung executor: no heartbeats, nothing acked).</summary>
    public Task Freeze() => SignalAsync("STOP");

    /// <summary>SIGCONT: a frozen process carries on where it was.</summary>
    public Task Thaw() => SignalAsync("CONT");

    /// <summary>SIGTERM (what <c>docker stop</c> sends), then wait for the process to exit on its own.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        await SignalAsync("TERM");
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    private async Task SignalAsync(string signal, bool mustSucceed = true)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (mustSucceed)
            Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the process if it still runs; safe to call again (a test may end a process early and still own it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _stopWatching.CancelAsync();
        if (!_process.HasExited)
        {
            ReportCpu();
            // It may exit by itself between the check and the signal (a process refusing its settings): then there is
            // nothing to thaw, and kill's complaint about a gone process is no failure of the test.
            await SignalAsync("CONT", mustSucceed: false);
            try
            {
                await KillHard();
            }
            catch (InvalidOperationException) when (_process.HasExited)
            {
            }
        }
        _process.Dispose();
        _stopWatching.Dispose();
        // Killed with -9, the process left its ready file behind.
        File.Delete(ReadyFile);
    }

    /// <summary>
    /// Echoes the CPU time the process used: the suite is CPU-bound on small machines, and this shows which processes
    /// (and which tests) spend it.
    /// </summary>
    private void ReportCpu()
    {
        try
        {
            _process.Refresh();
            Echo(FormattableString.Invariant($"(test) stopping after {(DateTime.Now - _process.StartTime).TotalSeconds:0.0} s, {_process.TotalProcessorTime.TotalSeconds:0.00} CPU-s"));
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile: nothing to read.
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Now listening on: (https?://[^\s""]+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningOn();
}
