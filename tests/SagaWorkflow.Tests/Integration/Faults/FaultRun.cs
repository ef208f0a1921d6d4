using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration.Faults;

/// <summary>
/// One run under faults: an orchestrator and three executor processes on a fresh vhost and database, a batch of
/// three-node workflows (noop -> delay -> transform, the delay long enough that a fault strikes nodes mid-run), and the
/// checks every fault test ends with: every workflow completed, every node has exactly one applied success in
/// <c>node_attempts</c>, and no message waits in an <c>_error</c> queue.
/// </summary>
public sealed class FaultRun : IAsyncDisposable
{
    private const int NodesPerWorkflow = 3;

    private readonly TestCluster _cluster;

    private FaultRun(TestCluster cluster, ServiceProcess orchestrator, List<ServiceProcess> executors)
    {
        _cluster = cluster;
        Orchestrator = orchestrator;
        Executors = executors;
    }

    public IntegrationEnvironment Environment => _cluster.Environment;
    public ServiceProcess Orchestrator { get; private set; }
    public IReadOnlyList<ServiceProcess> Executors { get; }
    public int Workflows { get; private set; }

    /// <summary>Every process started so far, killed orchestrators included (their output is kept).</summary>
    public IReadOnlyList<ServiceProcess> Processes => _cluster.Processes;

    /// <param name="settings">Settings of every process beyond the ones every fault run has (a test's own, or a default it changes).</param>
    public static async Task<FaultRun> StartAsync(Store store, ITestOutputHelper output, int executors = 3, Action<TestCluster.Plan>? settings = null)
    {
        var names = Enumerable.Range(1, executors).Select(i => $"executor-{i}").ToList();
        var cluster = await TestCluster.StartAsync(store, output, c =>
        {
            // A dispatch saved but not yet handed to the broker when an orchestrator dies is the transactional outbox's to
            // deliver, within seconds; the stale-dispatch sweeper, the safety net for messages lost after they left, is
            // kept out of the way (its 10 minutes are beyond every wait here), so a run passes only if the outbox works.
            c.Setting("Orchestrator__RedispatchAfter", "00:10:00");
            settings?.Invoke(c);
            c.Orchestrator("orchestrator-1");
            foreach (var name in names)
                c.Executor(name, "noop,delay,transform", concurrency: 16);
        });
        return new FaultRun(cluster, cluster["orchestrator-1"], names.ConvertAll(name => cluster[name]));
    }

    /// <summary>Submits <paramref name="count"/> workflows whose middle node runs <paramref name="delayMs"/>.</summary>
    public async Task SubmitAsync(int count, int delayMs)
    {
        var definition = Shapes.Definition("fault-chain",
        [
            Shapes.Node("a", "noop"),
            Shapes.Node("b", "delay", new { ms = delayMs }, "a"),
            Shapes.Node("c", "transform", new { done = true }, "b"),
        ]);
        await Shapes.SubmitAllAsync(Environment, Enumerable.Repeat(definition, count));
        Workflows += count;
    }

    /// <summary>Waits until at least <paramref name="count"/> delay nodes run: the moment a fault hurts most.</summary>
    public Task WaitForRunningAsync(int count) =>
        Eventually.WaitUntilAsync(
            async () => await Environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE node_id = 'b' AND state = 'running'") >= count,
            TimeSpan.FromMinutes(2), async () => $"{count} delay nodes never ran at once: {await Shapes.ProgressReportAsync(Environment)}");

    /// <summary>
    /// Waits until <paramref name="count"/> more nodes than now have succeeded (progress after a fault), or every node
    /// has: a fast run can finish before the next fault, and then there is no more progress to see.
    /// </summary>
    public async Task WaitForProgressAsync(int count)
    {
        var target = Math.Min(await SucceededAsync() + count, Workflows * NodesPerWorkflow);
        await Eventually.WaitUntilAsync(async () => await SucceededAsync() >= target,
            TimeSpan.FromMinutes(2), async () => $"no progress: {target} nodes never succeeded: {await Shapes.ProgressReportAsync(Environment)}");
    }

    public Task<long> SucceededAsync() => Environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded'");

    /// <summary>kill -9 of the orchestrator, and a new one in its place.</summary>
    public async Task ReplaceOrchestratorAsync(string name)
    {
        await Orchestrator.KillHard();
        await Orchestrator.DisposeAsync();
        Orchestrator = await _cluster.StartOrchestratorAsync(name);
    }

    /// <summary>
    /// The checks every fault test ends with; <paramref name="within"/> bounds the wait for the last workflow. What the
    /// fault cost goes to <paramref name="output"/>.
    /// </summary>
    public async Task AssertNothingLostAsync(TimeSpan within, ITestOutputHelper output)
    {
        await AssertNothingLostAsync(Environment, Workflows, within);
        output.WriteLine($"{Environment.Store}: {await CostAsync()}");
    }

    /// <summary>
    /// The same checks for any run of <paramref name="workflows"/> workflows on <paramref name="environment"/>: all
    /// completed, exactly one applied success per node, nothing in an <c>_error</c> queue, nothing left in the outbox.
    /// </summary>
    public static async Task AssertNothingLostAsync(IntegrationEnvironment environment, int workflows, TimeSpan within)
    {
        await Shapes.WaitForFinishedAsync(environment, workflows, within);
        Assert.Equal(workflows, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
        Assert.Equal(0, await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state <> 'succeeded'"));
        // Exactly one applied success per node: an attempt that ran twice (a redelivery) settles once; a superseded
        // attempt's success is kept as arrived late, never applied.
        var wrong = await environment.QueryAsync(
            "SELECT n.workflow_id, n.node_id, (SELECT COUNT(*) FROM node_attempts a WHERE a.workflow_id = n.workflow_id AND a.node_id = n.node_id" +
            " AND a.outcome = 'succeeded' AND NOT a.arrived_late) AS applied FROM workflow_nodes n" +
            " WHERE (SELECT COUNT(*) FROM node_attempts a WHERE a.workflow_id = n.workflow_id AND a.node_id = n.node_id" +
            " AND a.outcome = 'succeeded' AND NOT a.arrived_late) <> 1");
        Assert.True(wrong.Count == 0, $"{wrong.Count} node(s) without exactly one applied success, e.g. " +
            string.Join("; ", wrong.Take(5).Select(r => $"{r[0]}/{r[1]}: {r[2]}")));
        var errors = (await environment.QueuesAsync()).Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value.Messages > 0).ToList();
        Assert.True(errors.Count == 0, "messages in error queues: " + string.Join(", ", errors.Select(q => $"{q.Key}={q.Value.Messages}")));
        // Every message a saga step stored went out (a dead owner's too) and was forgotten.
        await Eventually.WaitUntilAsync(async () => await environment.CountAsync("SELECT COUNT(*) FROM outbox_messages") == 0,
            TimeSpan.FromSeconds(30), async () => $"{await environment.CountAsync("SELECT COUNT(*) FROM outbox_messages")} outbox row(s) never delivered");
    }

    /// <summary>What the fault cost, for the test's output: attempts beyond the first, redelivered runs, executors left Lost.</summary>
    private async Task<string> CostAsync() =>
        $"{await Environment.CountAsync("SELECT COUNT(*) FROM node_attempts WHERE attempt > 1")} later attempt(s), " +
        $"{await Environment.CountAsync("SELECT COUNT(*) FROM node_attempts WHERE redelivered_from IS NOT NULL")} redelivered to another executor, " +
        $"{await Environment.CountAsync("SELECT COUNT(*) FROM executors WHERE current_state = 'Lost'")} executor(s) Lost at the end";

    public async ValueTask DisposeAsync()
    {
        // Kept for a failed run's post-mortem: every process's log, next to the test results.
        if (System.Environment.GetEnvironmentVariable("SAGAWORKFLOW_FAULT_LOGS") is { Length: > 0 } logs)
        {
            Directory.CreateDirectory(logs);
            foreach (var process in _cluster.Processes)
                await File.WriteAllTextAsync(Path.Combine(logs, $"{Environment.Store}-{process.Name}.log"), process.Output);
        }

        await _cluster.DisposeAsync();
    }
}
