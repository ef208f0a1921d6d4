using System.Net.Http.Json;
using System.Text.Json;
using System.Net;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// Bad database settings and a database that is down, at start and mid-run, on each store: a clear error naming the
/// key for what waiting cannot mend, waiting for what it can, and no workflow lost or node applied twice.
/// </summary>
public sealed class When_the_database_is_unusable(ITestOutputHelper output)
{
    [IntegrationTheory, Stores]
    public async Task Wrong_credentials_stop_the_orchestrator_at_once_with_one_line_naming_the_key_and_the_cause(Store store)
    {
        await using var environment = await IntegrationEnvironment.CreateAsync(store);
        var settings = environment.ProcessSettings();
        settings["Database__ConnectionString"] = environment.ConnectionStringWith(password: "not-the-password");

        await using var orchestrator = ServiceProcess.LaunchOrchestrator("orchestrator", settings, output);

        Assert.Equal(69, await orchestrator.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        var error = Assert.Single(orchestrator.Output.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.StartsWith($"error: Database:ConnectionString: cannot use the {store} server 127.0.0.1:", error, StringComparison.Ordinal);
        Assert.Contains(store == Store.MySql ? "Access denied" : "password authentication failed", error, StringComparison.Ordinal);
        Assert.DoesNotContain("StartupTimeout", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", orchestrator.Output, StringComparison.Ordinal);
    }

    [IntegrationTheory, Stores]
    public async Task A_port_where_no_server_listens_is_waited_for_then_named_in_the_error(Store store)
    {
        await using var environment = await IntegrationEnvironment.CreateAsync(store);
        var settings = environment.ProcessSettings();
        settings["Database__ConnectionString"] = environment.ConnectionStringWith(port: 1);
        settings["Database__StartupTimeout"] = "00:00:02";

        await using var orchestrator = ServiceProcess.LaunchOrchestrator("orchestrator", settings, output);

        Assert.Equal(69, await orchestrator.ExitCodeAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("is not reachable yet (attempt 1", orchestrator.Output, StringComparison.Ordinal);
        var error = Assert.Single(orchestrator.Output.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains($"Database:ConnectionString: cannot use the {store} server 127.0.0.1:1,", error, StringComparison.Ordinal);
        Assert.Contains("Database:StartupTimeout", error, StringComparison.Ordinal);
    }

    [IntegrationTheory, Stores]
    public async Task A_database_down_at_start_is_waited_for_and_the_orchestrator_serves_once_it_answers(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Executor("executor", "transform", concurrency: 4));
        var environment = cluster.Environment;
        await environment.SetDatabaseReachableAsync(false);

        var orchestrator = cluster.LaunchOrchestrator();
        await Eventually.WaitUntilAsync(() => Task.FromResult(orchestrator.Output.Contains("is not reachable yet", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), () => Task.FromResult("the orchestrator never said it waits:\n" + orchestrator.Output));
        await environment.SetDatabaseReachableAsync(true);
        await orchestrator.Started.WaitAsync(TimeSpan.FromMinutes(2));

        await Shapes.SubmitAllAsync(environment, [Shapes.Diamond("transform")]);
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(1));
        Assert.Equal("Completed", (await environment.QueryAsync("SELECT current_state FROM workflow_instances")).Single()[0]);
    }

    [IntegrationTheory, Stores]
    public async Task Workflows_running_while_the_database_drops_out_all_complete_with_every_node_applied_once(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator().Executor("executor", "delay", concurrency: 16));
        var (environment, orchestrator) = (cluster.Environment, cluster["orchestrator"]);
        using var client = new HttpClient { BaseAddress = await orchestrator.ApiUrlAsync() };

        await Shapes.SubmitAllAsync(environment, Enumerable.Range(0, 30).Select(_ => Shapes.Chain(3, "delay", new { ms = 300 })));
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'succeeded'") >= 10,
            TimeSpan.FromMinutes(1), () => Task.FromResult("the run never got going"));

        await environment.SetDatabaseReachableAsync(false);
        try
        {
            // The outage lasts until the orchestrator itself reports the database failing.
            await WaitForReadyAsync(client, HttpStatusCode.ServiceUnavailable);
            using var ready = await client.GetAsync("/ready");
            var database = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").EnumerateArray()
                .Single(c => c.GetProperty("name").GetString() == "database");
            Assert.Equal("failing", database.GetProperty("status").GetString());
            Assert.False(string.IsNullOrWhiteSpace(database.GetProperty("detail").GetString()));

            // A client of the API learns to wait and retry, and why: not a 500 that reads like a bug.
            using var list = await client.GetAsync("/api/v1/workflows");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, list.StatusCode);
            Assert.NotNull(list.Headers.RetryAfter);
            var problem = await list.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("workflow store", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await environment.SetDatabaseReachableAsync(true);
        }

        await Shapes.WaitForFinishedAsync(environment, 30, TimeSpan.FromMinutes(2));
        Assert.Equal(30, await environment.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE current_state = 'Completed'"));
        Assert.Equal(90, await environment.CountAsync("SELECT COUNT(*) FROM node_attempts WHERE outcome = 'succeeded'"));
        Assert.Equal(0, await environment.CountAsync(
            "SELECT COUNT(*) FROM (SELECT workflow_id, node_id FROM node_attempts WHERE outcome = 'succeeded' GROUP BY workflow_id, node_id HAVING COUNT(*) > 1) twice"));
        var errorQueues = (await environment.QueuesAsync()).Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value.Messages > 0).ToList();
        var reasons = new List<string>();
        foreach (var queue in errorQueues)
            reasons.AddRange((await environment.GetMessagesAsync(queue.Key, 3)).Select(m => $"{queue.Key}: "
                + (m.GetProperty("properties").GetProperty("headers").TryGetProperty("MT-Fault-Message", out var reason) ? reason.GetString() : m.ToString())));
        Assert.True(errorQueues.Count == 0, "messages in error queues: " + string.Join(", ", errorQueues.Select(q => $"{q.Key}={q.Value.Messages}"))
            + "\n" + string.Join("\n", reasons));
    }

    private static async Task WaitForReadyAsync(HttpClient client, HttpStatusCode expected)
    {
        HttpStatusCode status = default;
        await Eventually.WaitUntilAsync(async () =>
        {
            using var response = await client.GetAsync("/ready");
            status = response.StatusCode;
            return status == expected;
        }, TimeSpan.FromSeconds(60), () => Task.FromResult($"/ready stayed {(int)status}"));
    }
}
