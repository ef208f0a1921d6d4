using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SagaWorkflow.Tests.Executors;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// <c>sagaflow executor capacity</c> / <c>PUT /api/v1/executors/{id}/capacity</c> on a running executor with a queue
/// of work: raised, it starts more at once; lowered, it starts nothing new until fewer than the new limit run; no node
/// is lost or run twice, and the registry shows the value.
/// </summary>
public sealed class When_an_executor_capacity_changes_under_load(ITestOutputHelper output)
{
    private const int Nodes = 12;

    [IntegrationTheory, Stores]
    public async Task Raising_and_lowering_it_holds_the_limit_and_every_node_runs_once(Store store)
    {
        // Each node is an HTTP call the server holds until the test opens the gate, so what runs at once is seen by the
        // server itself, however slow the machine. Calls after the gate opens take a little while, so that a limit not
        // in force would show as overlapping calls.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (current, mostAtOnce) = (0, 0);
        using var server = new LoopbackHttpServer(async _ =>
        {
            var now = Interlocked.Increment(ref current);
            if (gate.Task.IsCompleted)
                InterlockedMax(ref mostAtOnce, now);
            await gate.Task;
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            Interlocked.Decrement(ref current);
            return (200, "{}", "application/json");
        });
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Settings(s => Failover.WithOperatorKey(s))
            .Setting("Executor__Http__Allow__0", "127.0.0.0/8")
            .Orchestrator().Executor("executor-1", "http", concurrency: 2, "--max-concurrency", "6"));
        var (environment, orchestrator) = (cluster.Environment, cluster["orchestrator"]);

        await Shapes.SubmitAllAsync(environment, [Shapes.Parallel(Nodes, "http", new { url = server.BaseUrl })]);
        await HeldAsync(server, 2);
        var raised = await Failover.SagaflowAsync(orchestrator, "executor", "capacity", "executor-1", "6");
        Assert.Contains("concurrency 2 -> 6 per queue (at most 6)", raised, StringComparison.Ordinal);
        await HeldAsync(server, 6);

        // Timed for docs/benchmarks.md (a figure, not an assertion): API -> broker -> executor -> answer.
        var roundTrip = System.Diagnostics.Stopwatch.StartNew();
        var lowered = await PutCapacityAsync(orchestrator, 1);
        output.WriteLine($"capacity change round trip: {roundTrip.Elapsed.TotalMilliseconds:F0} ms ({store})");
        Assert.Equal(6, lowered.GetProperty("inFlight").GetInt32());
        gate.SetResult();
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(2));

        Assert.Equal("Completed", (await environment.QueryAsync("SELECT current_state FROM workflow_instances")).Single()[0]);
        var attempts = await environment.QueryAsync("SELECT node_id, attempt, outcome, started_at, finished_at FROM node_attempts");
        Assert.Equal(Nodes, attempts.Count);
        Assert.All(attempts, a => Assert.Equal((1, "succeeded"), (Convert.ToInt32(a[1], CultureInfo.InvariantCulture), (string)a[2]!)));
        Assert.Equal(Nodes, attempts.Select(a => (string)a[0]!).Distinct().Count());
        Assert.Equal(Nodes, server.Requests.Count);

        // After the lowering was applied, an attempt started only when none ran. The database keeps microseconds (MySQL
        // rounds to them), so the change's time is taken to the next whole millisecond: an attempt granted a moment
        // before it, under the old limit, is not counted as after it.
        var appliedAt = lowered.GetProperty("appliedAt").GetDateTime();
        var after = new DateTime(appliedAt.Ticks - appliedAt.Ticks % TimeSpan.TicksPerMillisecond + TimeSpan.TicksPerMillisecond);
        var runs = attempts.Select(a => (Start: (DateTime)a[3]!, End: (DateTime)a[4]!)).ToList();
        var startedLater = runs.Where(r => r.Start > after).ToList();
        Assert.NotEmpty(startedLater);
        Assert.All(startedLater, r => Assert.Equal(1, runs.Count(o => o.Start <= r.Start && o.End > r.Start)));
        Assert.Equal(6, runs.Max(r => runs.Count(o => o.Start <= r.Start && o.End > r.Start)));
        Assert.Equal(1, mostAtOnce);
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM executors WHERE executor_id = 'executor-1' AND concurrency = 1") == 1,
            TimeSpan.FromSeconds(30), () => Task.FromResult("the registry never showed concurrency 1"));
        Assert.Equal(0, (await environment.QueuesAsync()).GetValueOrDefault("node.http_error").Messages);
    }

    private static Task HeldAsync(LoopbackHttpServer server, int count) =>
        Eventually.WaitUntilAsync(() => Task.FromResult(server.Requests.Count == count), TimeSpan.FromMinutes(1),
            () => Task.FromResult($"{server.Requests.Count} calls reached the server, not {count}"));

    private static async Task<JsonElement> PutCapacityAsync(ServiceProcess orchestrator, int concurrency)
    {
        using var client = new HttpClient { BaseAddress = await orchestrator.ApiUrlAsync() };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Failover.OperatorKey);
        using var response = await client.PutAsJsonAsync("/api/v1/executors/executor-1/capacity", new { concurrency });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"capacity {concurrency} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
