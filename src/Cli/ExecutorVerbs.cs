using System.CommandLine;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.CommandLine;

namespace SagaWorkflow.Cli;

/// <summary>Verbs on executors: list them, drain one.</summary>
public static class ExecutorVerbs
{
    public static IEnumerable<Command> Create(VerbAction verbs)
    {
        var executors = new Command("executors", "the executor registry: state, in-flight attempts, last heartbeat, capabilities");
        executors.SetAction(verbs.Run(async (s, _, ct) =>
        {
            var table = Tables.Create("EXECUTOR", "STATE", "IN FLIGHT", "LAST HEARTBEAT (UTC)", "CAPABILITIES");
            foreach (var e in await s.Client.GetAsync<List<ExecutorView>>("/api/v1/executors", ct))
                table.Row(e.Id, e.State, e.InFlight.ToString(System.Globalization.CultureInfo.InvariantCulture), Tables.Utc(e.LastHeartbeatAt), string.Join(",", e.Capabilities));
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
    }
}
