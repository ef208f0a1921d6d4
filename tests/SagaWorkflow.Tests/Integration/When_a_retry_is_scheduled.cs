using SagaWorkflow.Tests.Executors;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

public sealed class When_a_retry_is_scheduled(ITestOutputHelper output)
{
    [IntegrationTheory, Stores]
    public async Task The_retry_survives_a_kill_of_the_only_orchestrator_and_fires_after_restart(Store store)
    {
        var calls = 0;
        using var target = new LoopbackHttpServer(_ => Interlocked.Increment(ref calls) == 1 ? (503, "first call fails", "text/plain") : (200, "{}", "application/json"));
        await using var cluster = await TestCluster.StartAsync(store, output, c => c
            // The http node calls a loopback address, which the executor refuses unless it is allowed.
            .Setting("Executor__Http__Allow__0", "127.0.0.0/8")
            .Executor("executor", "http", concurrency: 2)
            .Orchestrator("orchestrator-1"));
        var environment = cluster.Environment;
        var first = cluster["orchestrator-1"];
        var definition = Shapes.Definition("retry-after-kill", [new
        {
            id = "call", capability = "http", input = new { url = target.BaseUrl },
            retry = new { maxAttempts = 2, initialDelay = "00:00:04" },
        }]);
        await Shapes.SubmitAllAsync(environment, [definition]);
        await Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'retrying' AND next_attempt_at IS NOT NULL") == 1,
            TimeSpan.FromMinutes(1), () => Task.FromResult("the first attempt never failed into retrying"));
        // The retry timer is a Quartz trigger row, not something held in the process about to die.
        // (Executors' heartbeat timeouts are triggers too, so the retry's is picked out by its message type.)
        // Quartz names its tables QRTZ_* on MySQL (case-sensitive there) and qrtz_* on PostgreSQL; job data is a blob.
        var retryTriggers = store == Store.MySql
            ? "SELECT COUNT(*) FROM QRTZ_JOB_DETAILS WHERE CONVERT(JOB_DATA USING utf8mb4) LIKE '%Contracts:RetryNode%'"
            : "SELECT COUNT(*) FROM qrtz_job_details WHERE convert_from(job_data, 'UTF8') LIKE '%Contracts:RetryNode%'";
        await Eventually.WaitUntilAsync(async () => await environment.CountAsync(retryTriggers) == 1,
            TimeSpan.FromSeconds(30), async () => $"{await environment.CountAsync(retryTriggers)} retry trigger rows");

        await first.KillHard();
        await cluster.StartOrchestratorAsync("orchestrator-2");
        await Shapes.WaitForFinishedAsync(environment, 1, TimeSpan.FromMinutes(2));

        Assert.Equal(["succeeded", 2], (await environment.QueryAsync("SELECT state, attempt FROM workflow_nodes")).Single());
        Assert.Equal(2, calls);
    }
}
