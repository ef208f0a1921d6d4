using System.CommandLine;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.CommandLine;

namespace SagaWorkflow.Cli;

/// <summary>Verbs on executors: list them, drain one, change one's capacity.</summary>
public static class ExecutorVerbs
{
    public static IEnumerable<Command> Create(VerbAction verbs)
    {
        var executors = new Command("executors", "the executor registry: state, in-flight attempts, last heartbeat, capabilities");
        executors.SetAction(verbs.Run(async (s, _, ct) =>
        {
            var table = Tables.Create("EXECUTOR", "STATE", "IN FLIGHT", "CONCURRENCY", "LAST HEARTBEAT (UTC)", "CAPABILITIES");
            foreach (var e in await s.Client.GetAsync<List<ExecutorView>>("/api/v1/executors", ct))
                table.Row(e.Id, e.State, e.InFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    e.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), Tables.Utc(e.LastHeartbeatAt), string.Join(",", e.Capabilities));
            s.Screen.Write(table);
            return ExitCodes.Ok;
        }));
        yield return executors;

        var id = new Argument<string>("executor-id");
        var deadline = new Option<string?>("--deadline") { Description = "hand over attempts still running after this long (30s, 5m); default: let them finish" };
        var reason = VerbOptions.Reason();
        var watch = VerbOptions.Watch("print the in-flight count until drained (exit 0), or 1 if the executor is lost first");
        var drain = new Command("drain", "stop an executor taking work; what it runs finishes or is handed over at the deadline") { id, deadline, reason, watch };
        drain.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var executor = p.GetValue(id)!;
            var requestedBefore = p.GetValue(watch) ? await s.DrainWatcher.DrainRequestedAtAsync(executor, ct) : null;
            await s.Client.PostAsync<DrainAnswer>($"/api/v1/executors/{Uri.EscapeDataString(executor)}/drain", new DrainBody(p.GetValue(deadline), p.GetValue(reason)), ct);
            s.Screen.WriteLine($"drain of executor {executor} requested");
            return p.GetValue(watch) ? await s.DrainWatcher.WatchAsync(executor, requestedBefore, ct) : ExitCodes.Ok;
        }, interrupted: "interrupted (the drain goes on; `sagaflow executors` shows how far it is)"));
        yield return drain;

        var executor = new Command("executor", "operate one running executor");
        var capacityId = new Argument<string>("executor-id");
        var concurrency = new Argument<int>("concurrency") { Description = "attempts it runs at once per queue from now on, 1-1000 (up to its Executor:MaxConcurrency)" };
        var capacity = new Command("capacity", "change how many attempts an executor runs at once, without a restart (a restart starts from its configuration)")
        {
            capacityId, concurrency,
        };
        capacity.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var name = p.GetValue(capacityId)!;
            var answer = await s.Client.PutAsync<CapacityAnswer>($"/api/v1/executors/{Uri.EscapeDataString(name)}/capacity", new CapacityBody(p.GetValue(concurrency)), ct);
            s.Screen.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"executor {answer.Id}: concurrency {answer.Previous} -> {answer.Concurrency} per queue (at most {answer.MaxConcurrency}); {answer.InFlight} attempt(s) in flight"));
            return ExitCodes.Ok;
        }));
        executor.Subcommands.Add(capacity);
        yield return executor;
    }
}
