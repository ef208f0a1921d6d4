using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// The integration tests' one fixture: a fresh <see cref="IntegrationEnvironment"/> (vhost and database on one store),
/// the process settings pointing at it, and the orchestrator and executor processes a test asks for, started in the
/// order it gives them. Each process echoes its lines to the test's output. An executor counts as started once its row
/// in <c>executors</c> is Online, which needs an orchestrator: one started while none runs is waited for when the next
/// orchestrator is up. Disposing stops every process, newest first, then removes the environment.
/// <code>
/// await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator().Executor("executor-1", "delay", concurrency: 2));
/// </code>
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    /// <summary>How long an executor may take from ready to Online: heartbeats come every second.</summary>
    private static readonly TimeSpan OnlineTimeout = TimeSpan.FromSeconds(30);

    private readonly ITestOutputHelper _output;
    private readonly List<ServiceProcess> _processes = [];
    private readonly List<ServiceProcess> _orchestrators = [];
    private readonly List<ServiceProcess> _notYetOnline = [];

    private TestCluster(IntegrationEnvironment environment, ITestOutputHelper output)
    {
        Environment = environment;
        Settings = environment.ProcessSettings();
        _output = output;
    }

    public IntegrationEnvironment Environment { get; }

    /// <summary>Environment of every process started from now on; a test may change it between starts.</summary>
    public Dictionary<string, string> Settings { get; }

    /// <summary>Every process started so far, in start order (a replaced orchestrator stays listed).</summary>
    public IReadOnlyList<ServiceProcess> Processes => _processes;

    /// <summary>The newest process of that name (a name can be started again after its process ended).</summary>
    public ServiceProcess this[string name] => _processes.Last(p => p.Name == name);

    public static async Task<TestCluster> StartAsync(Store store, ITestOutputHelper output, Action<Plan>? plan = null,
        IntegrationEnvironment.Broker? broker = null)
    {
        var cluster = new TestCluster(await IntegrationEnvironment.CreateAsync(store, broker), output);
        try
        {
            var steps = new Plan(cluster.Settings);
            plan?.Invoke(steps);
            foreach (var step in steps.Steps)
                await step(cluster);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task<ServiceProcess> StartOrchestratorAsync(string name = "orchestrator")
    {
        var orchestrator = Own(await ServiceProcess.OrchestratorAsync(name, Settings, _output));
        _orchestrators.Add(orchestrator);
        await WaitUntilOnlineAsync();
        return orchestrator;
    }

    /// <summary>An orchestrator not waited for (<see cref="ServiceProcess.Started"/> says when it is ready), owned by the cluster.</summary>
    public ServiceProcess LaunchOrchestrator(string name = "orchestrator")
    {
        var orchestrator = Own(ServiceProcess.LaunchOrchestrator(name, Settings, _output));
        _orchestrators.Add(orchestrator);
        return orchestrator;
    }

    public async Task<ServiceProcess> StartExecutorAsync(string name, string capabilities, int concurrency, params string[] extraArgs)
    {
        var executor = Own(await ServiceProcess.ExecutorAsync(name, Settings, capabilities, concurrency, extraArgs, _output));
        _notYetOnline.Add(executor);
        await WaitUntilOnlineAsync();
        return executor;
    }

    /// <summary>Waits for <paramref name="executorId"/>'s row in <c>executors</c> to reach <paramref name="state"/>.</summary>
    public Task WaitForExecutorAsync(string executorId, string state) =>
        Failover.WaitForExecutorAsync(Environment, executorId, state, OnlineTimeout);

    private ServiceProcess Own(ServiceProcess process)
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>Once an orchestrator is up, waits for every executor started before that is not yet known to be Online.</summary>
    private async Task WaitUntilOnlineAsync()
    {
        if (!_orchestrators.Exists(o => o.Started.IsCompletedSuccessfully && !o.HasExited))
            return;
        foreach (var executor in _notYetOnline.Where(e => !e.HasExited))
            await WaitForExecutorAsync(executor.Name, "Online");
        _notYetOnline.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            for (var i = _processes.Count - 1; i >= 0; i--)
                await _processes[i].DisposeAsync();
        }
        finally
        {
            await Environment.DisposeAsync();
        }
    }

    /// <summary>What a test starts with, in order; settings given here apply to every process.</summary>
    public sealed class Plan(Dictionary<string, string> settings)
    {
        internal List<Func<TestCluster, Task>> Steps { get; } = [];

        public Plan Setting(string key, string value)
        {
            settings[key] = value;
            return this;
        }

        /// <summary>Settings changed by a helper (e.g. <see cref="Failover.WithOperatorKey"/>).</summary>
        public Plan Settings(Action<Dictionary<string, string>> change)
        {
            change(settings);
            return this;
        }

        public Plan Orchestrator(string name = "orchestrator")
        {
            Steps.Add(c => c.StartOrchestratorAsync(name));
            return this;
        }

        public Plan Executor(string name, string capabilities, int concurrency, params string[] extraArgs)
        {
            Steps.Add(c => c.StartExecutorAsync(name, capabilities, concurrency, extraArgs));
            return this;
        }
    }
}
