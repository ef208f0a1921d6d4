using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration.Faults;

/// <summary>
/// The faults of a normal week in production, struck while nodes run: RabbitMQ restarted, the database restarted, the
/// orchestrator killed. None may fail a workflow, apply a node twice or leave an error-queue message (issue 13).
/// A broker restart and a database restart are each struck once, in the run that also kills the orchestrator (a test
/// per fault cost two minutes of the suite for what that run already checks); the frozen executor meets a broker restart
/// of its own.
/// The longer version, with thousands of workflows and recovery times, is bench/chaos.sh.
/// </summary>
[Collection(IntegrationCollections.Faults)]
public sealed class When_routine_faults_strike_under_load(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Finish = TimeSpan.FromMinutes(3);

    // Longer than the restart itself (stop_app alone takes seconds), so nodes are still running when connections drop.
    private const int LongNodeMs = 10_000;

    [IntegrationTheory, Stores]
    public async Task An_orchestrator_killed_three_times_fails_no_workflow(Store store)
    {
        await using var run = await FaultRun.StartAsync(store, output);
        await run.SubmitAsync(45, delayMs: 1500);
        for (var round = 2; round <= 4; round++)
        {
            await run.WaitForProgressAsync(10);
            await run.ReplaceOrchestratorAsync($"orchestrator-{round}");
        }

        await run.AssertNothingLostAsync(Finish, output);
    }

    [IntegrationTheory, Stores]
    public async Task A_broker_restart_a_database_restart_and_an_orchestrator_kill_in_one_run_fail_no_workflow(Store store)
    {
        await using var run = await FaultRun.StartAsync(store, output);
        // Twice the executors' 48 slots: a second wave still runs when the later faults strike.
        await run.SubmitAsync(96, delayMs: LongNodeMs);
        await run.WaitForRunningAsync(10);
        await ServiceFaults.RestartAsync(ServiceFaults.Broker, Outage);
        await run.WaitForProgressAsync(5);
        await ServiceFaults.RestartAsync(ServiceFaults.DatabaseOf(store), Outage);
        await run.WaitForProgressAsync(5);
        await run.ReplaceOrchestratorAsync("orchestrator-2");

        await run.AssertNothingLostAsync(Finish, output);
    }

    [IntegrationTheory, Stores]
    public async Task An_executor_frozen_across_a_broker_restart_fails_no_workflow(Store store)
    {
        await using var run = await FaultRun.StartAsync(store, output);
        await run.SubmitAsync(30, delayMs: LongNodeMs);
        await run.WaitForRunningAsync(10);
        var frozen = run.Executors[0];

        await frozen.Freeze();
        await ServiceFaults.RestartAsync(ServiceFaults.Broker, Outage);
        // The others carry on; the frozen one is declared lost once the broker is back and its heartbeats stay away.
        await Failover.WaitForExecutorAsync(run.Environment, frozen.Name, "Lost", TimeSpan.FromMinutes(1));
        await frozen.Thaw();

        await run.AssertNothingLostAsync(Finish, output);
    }
}
