using System.CommandLine;
using System.Globalization;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.CommandLine;

namespace SagaWorkflow.Cli;

/// <summary>Maintenance verbs: purge finished workflows (retention on demand).</summary>
public static class MaintenanceVerbs
{
    public static IEnumerable<Command> Create(VerbAction verbs)
    {
        var olderThan = new Option<string>("--older-than")
        {
            Description = "purge workflows that finished longer ago than this (7d, 12h, 90m)", Required = true,
        };
        var state = new Option<string?>("--state") { Description = "only workflows that ended Completed, Failed or Cancelled; default all three" };
        var dryRun = new Option<bool>("--dry-run") { Description = "count what would be purged, delete nothing" };
        var purge = new Command("purge",
            "delete finished workflows (with their nodes, attempts and schedule fires) in batches, printing progress; running and paused ones are never touched")
        {
            olderThan, state, dryRun,
        };
        purge.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var body = new PurgeBody(p.GetValue(olderThan), p.GetValue(state), p.GetValue(dryRun) ? true : null);
            if (p.GetValue(dryRun))
            {
                var counted = await s.Client.PostAsync<PurgeAnswer>("/api/v1/maintenance/purge", body, ct);
                s.Screen.WriteLine($"dry run: would purge {Describe(counted)}");
                return ExitCodes.Ok;
            }

            // Each call works a few seconds and returns; calling again until done prints progress as it goes.
            PurgeAnswer total = null!;
            while (true)
            {
                var answer = await s.Client.PostAsync<PurgeAnswer>("/api/v1/maintenance/purge", body, ct);
                total = total is null ? answer : Sum(total, answer);
                if (answer.Done)
                    break;
                s.Screen.WriteLine($"purged {total.Workflows} workflow(s) so far, {total.Batches} batch(es)...");
            }

            s.Screen.WriteLine($"purged {Describe(total)} in {total.Batches} batch(es)");
            return ExitCodes.Ok;
        }, interrupted: "interrupted (what was purged stays purged; run the same purge again to go on)"));
        yield return purge;
    }

    private static PurgeAnswer Sum(PurgeAnswer a, PurgeAnswer b) => b with
    {
        Workflows = a.Workflows + b.Workflows, Nodes = a.Nodes + b.Nodes, Attempts = a.Attempts + b.Attempts,
        ScheduleFires = a.ScheduleFires + b.ScheduleFires, Batches = a.Batches + b.Batches,
    };

    private static string Describe(PurgeAnswer counts) =>
        $"{counts.Workflows} workflow(s) {string.Join("/", counts.States)} that finished before " +
        $"{counts.FinishedBefore.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC: " +
        $"{counts.Nodes} node(s), {counts.Attempts} attempt(s), {counts.ScheduleFires} schedule fire(s)";
}
