using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration.Faults;

/// <summary>
/// The scheduler after a crash (issue 19). Regression: after kill -9 of the only orchestrator, CancelScheduledMessage
/// faulted into <c>scheduler_error</c> ("Unable to unschedule trigger ... while deleting job"): the timer's trigger had
/// vanished, or a recovery trigger for the dead member's firing had run, between Quartz listing and deleting it.
/// Each round starts workflows whose nodes arm and cancel deadlines all the time (short nodes, long deadlines; every
/// executor heartbeat re-arms its timeout too) beside workflows whose one node always outruns its deadline (deadline,
/// retry timer, deadline again: three due timers), and kills the orchestrator while the round's first deadlines are
/// reserved or firing in Quartz, so they are left to a dead cluster member.
/// </summary>
[Collection(IntegrationCollections.Faults)]
public sealed class When_an_orchestrator_dies_while_timers_change(ITestOutputHelper output)
{
    private const int Rounds = 3;
    private const int ChurnPerRound = 12;
    private const int ChurnNodes = 8;
    private const int LatePerRound = 8;
    private const int MaxAttempts = 2;

    // Two seconds, in TimeSpan's constant format (the short form "2s" reads the same on every door since this issue).
    private const string Deadline = "00:00:02";

    private static readonly TimeSpan Finish = TimeSpan.FromMinutes(3);

    [IntegrationTheory, Stores]
    public async Task No_timer_request_faults_and_every_due_timer_fires_once(Store store)
    {
        // The sweeper's net for a retry whose timer never fired is kept out of the way (its 10 minutes are beyond every
        // wait here): a late node finishes only if its retry timer fires.
        await using var run = await FaultRun.StartAsync(store, output, executors: 2, c => c.Setting("Orchestrator__RetryGrace", "00:10:00"));
        var environment = run.Environment;
        for (var round = 1; round <= Rounds; round++)
        {
            await Shapes.SubmitAllAsync(environment, [.. Enumerable.Repeat(Churn(), ChurnPerRound), .. Enumerable.Repeat(Late(round), LatePerRound)]);
            // Every late node of the round started, so its deadline is armed: the kill is to meet those deadlines firing.
            await WaitForAsync($"SELECT COUNT(*) FROM workflow_nodes WHERE node_id = '{LateNode(round)}' AND state IN ('pending','dispatched')", 0,
                environment, $"round {round}'s late nodes never all started");
            var firing = await WaitForFiringAsync(environment, round);
            await run.ReplaceOrchestratorAsync($"orchestrator-{round + 1}");
            output.WriteLine($"round {round}: killed with {firing} of its deadlines reserved or firing");
        }

        await Shapes.WaitForFinishedAsync(environment, Rounds * (ChurnPerRound + LatePerRound), Finish);
        await AssertEveryTimerDidItsJobAsync(environment);
        // Every late timer stored fired and is gone, the ones a dead member held once recovery replayed them.
        await WaitForAsync(LateTimersSql(store, "LIKE '%late-%'"), 0, environment, "late timers left in Quartz, never fired");
        await AssertNoErrorQueueMessagesAsync(environment);
        // Every timer request a saga step stored went out, a dead orchestrator's too.
        await WaitForAsync("SELECT COUNT(*) FROM outbox_messages", 0, environment, "outbox rows never delivered");
        output.WriteLine($"{store}: {await CostAsync(run)}");
    }

    /// <summary>A chain of short nodes, each arming a deadline when it starts and cancelling it when it reports.</summary>
    private static object Churn() => Shapes.Definition("deadline-churn", Enumerable.Range(0, ChurnNodes).Select(i => new
    {
        id = $"c{i}", capability = "delay", input = new { ms = 300 }, dependsOn = i == 0 ? Array.Empty<string>() : [$"c{i - 1}"], timeout = "00:00:30",
    }));

    /// <summary>One node that always outruns its deadline: each attempt times out, and the run fails after <see cref="MaxAttempts"/>.</summary>
    private static object Late(int round) => Shapes.Definition("deadline-late", [new
    {
        id = LateNode(round), capability = "delay", input = new { ms = 60_000 }, timeout = Deadline,
        retry = new { maxAttempts = MaxAttempts, initialDelay = "00:00:02" },
    }]);

    private static string LateNode(int round) => $"late-{round}";

    /// <summary>
    /// Waits until one of the round's deadlines is reserved or firing in Quartz (a fired-trigger row: the scheduler reserves
    /// a trigger up to a second before it is due), and returns how many are: killed now, the orchestrator leaves them to a
    /// dead cluster member. Should the reservation slip between two looks, the first timed-out attempt does instead.
    /// </summary>
    private static async Task<long> WaitForFiringAsync(IntegrationEnvironment environment, int round)
    {
        var firing = LateTimersSql(environment.Store, $"LIKE '%{LateNode(round)}%'", fired: true);
        var timedOut = $"SELECT COUNT(*) FROM node_attempts WHERE node_id = '{LateNode(round)}' AND outcome = 'timed_out'";
        long reserved = 0;
        await Eventually.WaitUntilAsync(async () => (reserved = await environment.CountAsync(firing)) > 0 || await environment.CountAsync(timedOut) > 0,
            TimeSpan.FromMinutes(1), async () => $"no deadline of round {round} ever fired: {await Shapes.ProgressReportAsync(environment)}");
        return reserved;
    }

    /// <summary>
    /// Quartz's jobs (or, <paramref name="fired"/>, its fired-trigger rows) whose stored message matches <paramref name="like"/>.
    /// Quartz names its tables QRTZ_* on MySQL (case-sensitive there) and qrtz_* on PostgreSQL; job data is a blob.
    /// </summary>
    private static string LateTimersSql(Store store, string like, bool fired = false) => (store, fired) switch
    {
        (Store.MySql, false) => $"SELECT COUNT(*) FROM QRTZ_JOB_DETAILS j WHERE CONVERT(j.JOB_DATA USING utf8mb4) {like}",
        (Store.MySql, true) => "SELECT COUNT(*) FROM QRTZ_FIRED_TRIGGERS f JOIN QRTZ_JOB_DETAILS j ON j.SCHED_NAME = f.SCHED_NAME" +
            $" AND j.JOB_NAME = f.JOB_NAME AND j.JOB_GROUP = f.JOB_GROUP WHERE CONVERT(j.JOB_DATA USING utf8mb4) {like}",
        (_, false) => $"SELECT COUNT(*) FROM qrtz_job_details j WHERE convert_from(j.job_data, 'UTF8') {like}",
        (_, true) => "SELECT COUNT(*) FROM qrtz_fired_triggers f JOIN qrtz_job_details j ON j.sched_name = f.sched_name" +
            $" AND j.job_name = f.job_name AND j.job_group = f.job_group WHERE convert_from(j.job_data, 'UTF8') {like}",
    };

    private static Task WaitForAsync(string countSql, long expected, IntegrationEnvironment environment, string failure) =>
        Eventually.WaitUntilAsync(async () => await environment.CountAsync(countSql) == expected, TimeSpan.FromMinutes(1),
            async () => $"{failure} ({await environment.CountAsync(countSql)}): {await Shapes.ProgressReportAsync(environment)}");

    /// <summary>
    /// Every deadline armed and cancelled left its attempt alone (no churn node timed out), and every due timer fired: each
    /// late node has exactly <see cref="MaxAttempts"/> timed-out attempts (a lost deadline would have let the node finish,
    /// a lost retry would have left it waiting) and nothing else counted against it.
    /// </summary>
    private static async Task AssertEveryTimerDidItsJobAsync(IntegrationEnvironment environment)
    {
        Assert.Equal(Rounds * ChurnPerRound, await environment.CountAsync(
            "SELECT COUNT(*) FROM workflow_instances w WHERE w.current_state = 'Completed' AND NOT EXISTS" +
            " (SELECT 1 FROM workflow_nodes n WHERE n.workflow_id = w.correlation_id AND n.node_id LIKE 'late-%')"));
        Assert.Equal(Rounds * LatePerRound, await environment.CountAsync(
            "SELECT COUNT(*) FROM workflow_instances w WHERE w.current_state = 'Failed' AND EXISTS" +
            " (SELECT 1 FROM workflow_nodes n WHERE n.workflow_id = w.correlation_id AND n.node_id LIKE 'late-%')"));

        var wrongChurn = await environment.QueryAsync($"SELECT n.workflow_id, n.node_id, n.state, {Attempts("succeeded", " AND NOT a.arrived_late")}," +
            $" {Attempts("timed_out")} FROM workflow_nodes n WHERE n.node_id NOT LIKE 'late-%' AND (n.state <> 'succeeded'" +
            $" OR {Attempts("succeeded", " AND NOT a.arrived_late")} <> 1 OR {Attempts("timed_out")} <> 0)");
        Assert.True(wrongChurn.Count == 0, $"{wrongChurn.Count} churn node(s) not succeeded once without a timeout (state, applied, timed out), e.g. " +
            string.Join("; ", wrongChurn.Take(5).Select(r => $"{r[0]}/{r[1]}: {r[2]}, {r[3]}, {r[4]}")));
        var wrongLate = await environment.QueryAsync($"SELECT n.workflow_id, n.node_id, n.state, {Attempts("timed_out")}, {Attempts("succeeded")}," +
            $" {Attempts("failed")} FROM workflow_nodes n WHERE n.node_id LIKE 'late-%' AND (n.state <> 'failed' OR {Attempts("timed_out")} <> {MaxAttempts}" +
            $" OR {Attempts("succeeded")} <> 0 OR {Attempts("failed")} <> 0)");
        Assert.True(wrongLate.Count == 0, $"{wrongLate.Count} late node(s) without exactly {MaxAttempts} timed-out attempts (state, timed out, succeeded, failed), e.g. " +
            string.Join("; ", wrongLate.Take(5).Select(r => $"{r[0]}/{r[1]}: {r[2]}, {r[3]}, {r[4]}, {r[5]}")));
    }

    /// <summary>How many of node <c>n</c>'s attempts ended as <paramref name="outcome"/> (and <paramref name="also"/>), as a correlated subquery.</summary>
    private static string Attempts(string outcome, string also = "") =>
        $"(SELECT COUNT(*) FROM node_attempts a WHERE a.workflow_id = n.workflow_id AND a.node_id = n.node_id AND a.outcome = '{outcome}'{also})";

    private static async Task AssertNoErrorQueueMessagesAsync(IntegrationEnvironment environment)
    {
        var queues = await environment.QueuesAsync();
        Assert.True(!queues.TryGetValue("scheduler_error", out var scheduler) || scheduler.Messages == 0,
            $"{scheduler.Messages} timer request(s) faulted into scheduler_error");
        var errors = queues.Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) && q.Value.Messages > 0).ToList();
        Assert.True(errors.Count == 0, "messages in error queues: " + string.Join(", ", errors.Select(q => $"{q.Key}={q.Value.Messages}")));
    }

    /// <summary>
    /// What the kills cost, for the output: attempts superseded, and deadlines that fired twice (a dead member's
    /// interrupted firing replayed by Quartz's recovery, dropped by the saga).
    /// </summary>
    private static async Task<string> CostAsync(FaultRun run) =>
        $"{await run.Environment.CountAsync("SELECT COUNT(*) FROM node_attempts WHERE outcome NOT IN ('succeeded','timed_out')")} attempt(s) superseded, " +
        $"{run.Processes.Sum(p => p.Output.Split('\n').Count(l => l.Contains("Stale deadline of node late-", StringComparison.Ordinal)))} late deadline(s) fired again";
}
