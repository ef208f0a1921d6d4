using System.Text.Json;
using SagaWorkflow.Orchestrator.ExecutorRegistry;
using SagaWorkflow.Tests.Executors;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// Sticky routing on RabbitMQ and a real store: nodes with one routing key run on the executor that owns it; when that
/// executor is killed or drains, its keys move to another and every node is applied once, its side effect (an HTTP call
/// to this test) made once — apart from the one attempt the kill interrupted mid-call, which runs again as the next attempt.
/// </summary>
public sealed class When_nodes_have_routing_keys(ITestOutputHelper output)
{
    private const string Hold = "/hold";

    [IntegrationTheory, Stores]
    public async Task Each_key_runs_on_its_owner_and_after_a_kill_its_nodes_move_together_and_run_once(Store store)
    {
        using var server = HeldFirstCallTo(Hold);
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Setting("Executor__Http__Allow__0", "127.0.0.0/8").Orchestrator()
            .Executor("executor-1", "http", concurrency: 1).Executor("executor-2", "http", concurrency: 1).Executor("executor-3", "http", concurrency: 1));
        var environment = cluster.Environment;
        string[] all = ["executor-1", "executor-2", "executor-3"];
        var keys = all.Select(e => KeyOwnedBy(e, all)).ToArray();

        // Two-node chains, the key taken from the input: both nodes of each run on the key's owner.
        foreach (var key in keys)
            await SubmitAsync(environment, Chain(server, key), key);
        await Shapes.WaitForFinishedAsync(environment, 3, TimeSpan.FromMinutes(1));
        foreach (var (key, owner) in keys.Zip(all))
            Assert.Equal([owner], await ExecutorsThatRanAsync(environment, key));

        // executor-1 runs a held call for its key while two more of its key's nodes wait in its own queue; then it is killed.
        var victimKey = keys[0];
        await SubmitAsync(environment, Single("held", server.BaseUrl + Hold[1..]), victimKey);
        await Failover.WaitForRunningAsync(environment, 1);
        await SubmitAsync(environment, Single("queued-1", server.BaseUrl + "queued-1"), victimKey);
        await SubmitAsync(environment, Single("queued-2", server.BaseUrl + "queued-2"), victimKey);
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'dispatched' AND routed_executor = 'executor-1'") == 2,
            TimeSpan.FromSeconds(30), () => Shapes.ProgressReportAsync(environment));
        await cluster["executor-1"].KillHard();
        await Shapes.WaitForFinishedAsync(environment, 6, TimeSpan.FromMinutes(1));

        var heir = RendezvousHash.Owner(victimKey, all[1..])!;
        Assert.Equal([heir], await ExecutorsThatRanAsync(environment, victimKey, "held", "queued-1", "queued-2"));
        await AssertEachNodeAppliedOnceAsync(environment, 9);
        Assert.Equal(1, CallsTo(server, "/queued-1"));
        Assert.Equal(1, CallsTo(server, "/queued-2"));
        // The held call was under way when the process died: the next attempt made it again, with its own execution id.
        Assert.Equal(2, server.Requests.Where(r => r.Path == Hold).Select(r => r.Headers["Idempotency-Key"]).Distinct().Count());

        // Restarted under the same id, it finds the dead process's three commands in its durable queue and hands them back
        // unrun (their runs have finished, so the saga ignores them); it owns its key again, so the key's next node runs there.
        var restarted = await cluster.StartExecutorAsync("executor-1", "http", concurrency: 1);
        await Eventually.WaitUntilAsync(
            () => Task.FromResult(restarted.Output.Split('\n').Count(l => l.Contains("handed back unstarted: it was routed to an earlier process", StringComparison.Ordinal)) == 3),
            TimeSpan.FromSeconds(30), () => Task.FromResult("the restarted executor did not hand back the dead process's three commands"));
        await SubmitAsync(environment, Single("back", server.BaseUrl + "back"), victimKey);
        await Shapes.WaitForFinishedAsync(environment, 7, TimeSpan.FromMinutes(1));
        Assert.Equal(["executor-1"], await ExecutorsThatRanAsync(environment, victimKey, "back"));
        Assert.Equal(1, CallsTo(server, "/queued-1"));
        Assert.Equal(1, CallsTo(server, "/queued-2"));
        await AssertEachNodeAppliedOnceAsync(environment, 10);
        await AssertNoErrorQueueHoldsAnythingAsync(environment);
    }

    [IntegrationTheory, Stores]
    public async Task A_draining_owner_finishes_what_it_runs_and_its_queued_and_new_nodes_go_to_the_next_owner(Store store)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new LoopbackHttpServer(async request =>
        {
            if (request.Url!.AbsolutePath == Hold)
                await release.Task;
            return (200, "{}", "application/json");
        });
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Settings(s => Failover.WithOperatorKey(s))
            .Setting("Executor__Http__Allow__0", "127.0.0.0/8").Orchestrator()
            .Executor("executor-1", "http", concurrency: 1).Executor("executor-2", "http", concurrency: 1));
        var (environment, orchestrator) = (cluster.Environment, cluster["orchestrator"]);
        var key = KeyOwnedBy("executor-1", ["executor-1", "executor-2"]);

        await SubmitAsync(environment, Single("held", server.BaseUrl + Hold[1..]), key);
        await Failover.WaitForRunningAsync(environment, 1);
        await SubmitAsync(environment, Single("queued-1", server.BaseUrl + "queued-1"), key);
        await SubmitAsync(environment, Single("queued-2", server.BaseUrl + "queued-2"), key);
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'dispatched' AND routed_executor = 'executor-1'") == 2,
            TimeSpan.FromSeconds(30), () => Shapes.ProgressReportAsync(environment));

        await Failover.SagaflowAsync(orchestrator, "drain", "executor-1");
        await Shapes.WaitForFinishedAsync(environment, 2, TimeSpan.FromMinutes(1));
        await Failover.WaitForExecutorAsync(environment, "executor-1", "Draining", TimeSpan.FromSeconds(30));
        await SubmitAsync(environment, Single("after-drain", server.BaseUrl + "after-drain"), key);
        await Shapes.WaitForFinishedAsync(environment, 3, TimeSpan.FromMinutes(1));
        release.SetResult();
        await Shapes.WaitForFinishedAsync(environment, 4, TimeSpan.FromMinutes(1));

        // The running node finished where it ran (a drain takes nothing away); the waiting ones and the new one moved.
        Assert.Equal(["executor-1"], await ExecutorsThatRanAsync(environment, key, "held"));
        Assert.Equal(["executor-2"], await ExecutorsThatRanAsync(environment, key, "queued-1", "queued-2", "after-drain"));
        Assert.Equal(["rerouted", "rerouted"], (await environment.QueryAsync("SELECT a.outcome FROM node_attempts a JOIN workflow_instances w " +
            "ON w.correlation_id = a.workflow_id WHERE a.attempt = 1 AND a.executor_id = 'executor-1' AND w.definition_name IN ('queued-1', 'queued-2')"))
            .Select(r => r[0]));
        await AssertEachNodeAppliedOnceAsync(environment, 4);
        Assert.All(new[] { Hold, "/queued-1", "/queued-2", "/after-drain" }, path => Assert.Equal(1, CallsTo(server, path)));
        await AssertNoErrorQueueHoldsAnythingAsync(environment);
    }

    // The first key (customer-0, customer-1, ...) that rendezvous hashing gives to owner among executors.
    private static string KeyOwnedBy(string owner, string[] executors) =>
        Enumerable.Range(0, 1000).Select(i => $"customer-{i}").First(k => RendezvousHash.Owner(k, executors) == owner);

    private static object Chain(LoopbackHttpServer server, string key) => new
    {
        name = "by-customer",
        version = 1,
        routingKey = "$.customer",
        nodes = new object[]
        {
            new { id = "first", capability = "http", input = new { url = server.BaseUrl + key + "/first" } },
            new { id = "second", capability = "http", input = new { url = server.BaseUrl + key + "/second" }, dependsOn = new[] { "first" } },
        },
    };

    private static object Single(string name, string url) => new
    {
        name,
        version = 1,
        nodes = new[] { new { id = "call", capability = "http", input = new { url }, routingKey = "$.customer" } },
    };

    private static async Task SubmitAsync(IntegrationEnvironment environment, object definition, string customer)
    {
        var id = Guid.NewGuid();
        await environment.PublishAsync("workflow-submit", JsonSerializer.Serialize(new { workflowId = id, definition, input = new { customer } }, JsonSerializerOptions.Web),
            messageId: id.ToString());
    }

    // Which executors ran the succeeded nodes with this key (of the named definitions, if any): the applied attempts' executors.
    private static async Task<List<string>> ExecutorsThatRanAsync(IntegrationEnvironment environment, string key, params string[] definitions)
    {
        var names = definitions.Length == 0 ? "" : $" AND w.definition_name IN ({string.Join(",", definitions.Select(d => $"'{d}'"))})";
        var rows = await environment.QueryAsync("SELECT DISTINCT n.executor_id FROM workflow_nodes n JOIN workflow_instances w ON w.correlation_id = n.workflow_id " +
            $"WHERE n.routing_key = '{key}' AND n.state = 'succeeded'{names}");
        return rows.Select(r => (string)r[0]!).Order().ToList();
    }

    private static async Task AssertEachNodeAppliedOnceAsync(IntegrationEnvironment environment, int nodes)
    {
        Assert.Equal(nodes, await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded'"));
        Assert.Equal(nodes, await environment.CountAsync("SELECT COUNT(*) FROM node_attempts WHERE outcome = 'succeeded' AND NOT arrived_late"));
        Assert.Equal(0, await environment.CountAsync(
            "SELECT COUNT(*) FROM (SELECT workflow_id, node_id FROM node_attempts WHERE outcome = 'succeeded' GROUP BY workflow_id, node_id HAVING COUNT(*) > 1) twice"));
    }

    private static async Task AssertNoErrorQueueHoldsAnythingAsync(IntegrationEnvironment environment) =>
        Assert.Empty((await environment.QueuesAsync()).Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value.Messages > 0).Select(q => q.Key));

    private static int CallsTo(LoopbackHttpServer server, string path)
    {
        lock (server.Requests)
            return server.Requests.Count(r => r.Path == path);
    }

    // The first call to path never gets an answer (its executor is killed meanwhile); every other call is answered at once.
    private static LoopbackHttpServer HeldFirstCallTo(string path)
    {
        var calls = 0;
        var never = new TaskCompletionSource();
        return new LoopbackHttpServer(async request =>
        {
            if (request.Url!.AbsolutePath == path && Interlocked.Increment(ref calls) == 1)
                await never.Task;
            return (200, "{}", "application/json");
        });
    }
}
