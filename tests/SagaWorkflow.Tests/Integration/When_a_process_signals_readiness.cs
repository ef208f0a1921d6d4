using System.Text.Json;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// <c>Hosting:ReadyFile</c> in real processes (every <see cref="ServiceProcess"/> sets one and waits for it): the file
/// names the process, follows its readiness checks, and is gone once it stops.
/// </summary>
public sealed class When_a_process_signals_readiness(ITestOutputHelper output)
{
    [IntegrationFact]
    public async Task An_executor_writes_its_ready_file_once_its_bus_is_up_and_removes_it_on_sigterm()
    {
        await using var cluster = await TestCluster.StartAsync(Store.Postgres, output);

        var executor = await cluster.StartExecutorAsync("executor", "noop", concurrency: 1);

        Assert.Equal(executor.Id, await PidAsync(executor));
        // The file came after the bus reported healthy, so the executor consumes its queue by now (the management API's
        // counts lag behind, hence the wait).
        await Eventually.WaitUntilAsync(async () => (await cluster.Environment.QueuesAsync()).GetValueOrDefault("node.noop").Consumers == 1,
            TimeSpan.FromSeconds(30), () => Task.FromResult("node.noop has no consumer"));
        Assert.Equal(0, await executor.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(executor.ReadyFile), "the ready file outlived the process");
    }

    [IntegrationTheory, Stores]
    public async Task An_orchestrator_removes_its_ready_file_while_its_database_is_unreachable_and_writes_it_again_after(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Orchestrator());
        var orchestrator = cluster["orchestrator"];
        Assert.Equal(orchestrator.Id, await PidAsync(orchestrator));

        await cluster.Environment.SetDatabaseReachableAsync(false);
        try
        {
            await WaitForFileAsync(orchestrator, exists: false);
        }
        finally
        {
            await cluster.Environment.SetDatabaseReachableAsync(true);
        }

        await WaitForFileAsync(orchestrator, exists: true);
        Assert.Equal(0, await orchestrator.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(orchestrator.ReadyFile), "the ready file outlived the process");
    }

    private static async Task<int> PidAsync(ServiceProcess process)
    {
        using var content = JsonDocument.Parse(await File.ReadAllTextAsync(process.ReadyFile));
        return content.RootElement.GetProperty("pid").GetInt32();
    }

    private static Task WaitForFileAsync(ServiceProcess process, bool exists) =>
        Eventually.WaitUntilAsync(() => Task.FromResult(File.Exists(process.ReadyFile) == exists), TimeSpan.FromSeconds(60),
            () => Task.FromResult($"{process.Name}'s ready file {(exists ? "never came back" : "stayed")}:\n{process.Output}"));
}
