using System.CommandLine;
using System.Text.Json;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.CommandLine;

namespace SagaWorkflow.Cli;

/// <summary>Verbs on what is stored for later: registered definitions and cron schedules.</summary>
public static class CatalogVerbs
{
    public static IEnumerable<Command> Create(VerbAction verbs)
    {
        var name = new Argument<string>("name") { Description = "the definition's name in the registry" };
        var file = new Argument<string>("definition.json") { Description = "the definition to store as the next version" };
        var define = new Command("define", "store a definition as the next version of <name>") { name, file };
        define.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var definition = await VerbOptions.ReadJsonAsync(p.GetValue(file)!, ct);
            var stored = await s.Client.PutAsync<DefinitionStored>($"/api/v1/definitions/{Uri.EscapeDataString(p.GetValue(name)!)}", Named(definition, p.GetValue(name)!), ct);
            s.Screen.WriteLine($"definition {stored.Name} version {stored.Version} stored");
            return ExitCodes.Ok;
        }));
        yield return define;
        var definitions = new Command("definitions", "list registered definitions");
        definitions.SetAction(verbs.Run(async (s, _, ct) =>
        {
            var table = Tables.Create("NAME", "LATEST", "VERSIONS", "UPDATED (UTC)");
            foreach (var d in await s.Client.GetAsync<List<DefinitionSummary>>("/api/v1/definitions", ct))
                table.Row(d.Name, d.LatestVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Versions.ToString(System.Globalization.CultureInfo.InvariantCulture), Tables.Utc(d.UpdatedAt));
            s.Screen.Write(table);
            return ExitCodes.Ok;
        }));
        yield return definitions;
        var schedules = new Command("schedules", "list cron schedules (the same as schedule list)");
        schedules.SetAction(verbs.Run(ListSchedulesAsync));
        yield return schedules;
        yield return Schedule(verbs);
    }

    private static Command Schedule(VerbAction verbs)
    {
        var schedule = new Command("schedule", "cron schedules: create, list, pause, resume, delete, and each one's fire ledger");
        var file = new Argument<string>("schedule.json") { Description = "the schedule (format in docs/scheduling.md)" };
        var create = new Command("create", "create a schedule") { file };
        create.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var created = await s.Client.PostAsync<ScheduleAnswer>("/api/v1/schedules", await VerbOptions.ReadJsonAsync(p.GetValue(file)!, ct), ct);
            s.Screen.WriteLine($"schedule {created.Id} {created.Status}");
            return ExitCodes.Ok;
        }));
        schedule.Subcommands.Add(create);
        var list = new Command("list", "list cron schedules");
        list.SetAction(verbs.Run(ListSchedulesAsync));
        schedule.Subcommands.Add(list);
        foreach (var action in new[] { "pause", "resume", "delete" })
        {
            var id = new Argument<string>("schedule-id");
            var change = new Command(action, $"{action} a schedule") { id };
            change.SetAction(verbs.Run(async (s, p, ct) =>
            {
                var path = $"/api/v1/schedules/{Uri.EscapeDataString(p.GetValue(id)!)}";
                var changed = action == "delete" ? await s.Client.DeleteAsync<ScheduleAnswer>(path, ct) : await s.Client.PostAsync<ScheduleAnswer>($"{path}/{action}", null, ct);
                s.Screen.WriteLine($"schedule {changed.Id} {changed.Status}");
                return ExitCodes.Ok;
            }));
            schedule.Subcommands.Add(change);
        }

        var firesId = new Argument<string>("schedule-id");
        var fires = new Command("fires", "the schedule's fire ledger, newest first: fired with its workflow, or skipped with the reason") { firesId };
        fires.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var ledger = await s.Client.GetAsync<ScheduleFires>($"/api/v1/schedules/{Uri.EscapeDataString(p.GetValue(firesId)!)}/fires", ct);
            var table = Tables.Create("PLANNED (UTC)", "OUTCOME", "WORKFLOW", "REASON");
            foreach (var f in ledger.Fires)
                table.Row(Tables.Utc(f.FireTime), f.Outcome, f.WorkflowId?.ToString() ?? "-", f.Reason);
            s.Screen.Write(table);
            return ExitCodes.Ok;
        }));
        schedule.Subcommands.Add(fires);
        return schedule;
    }

    private static async Task<int> ListSchedulesAsync(Session s, ParseResult _, CancellationToken ct)
    {
        var table = Tables.Create("SCHEDULE", "CRON", "TIME ZONE", "STATE", "NEXT FIRE (UTC)");
        foreach (var schedule in await s.Client.GetAsync<List<ScheduleView>>("/api/v1/schedules", ct))
            table.Row(schedule.Id, schedule.Cron, schedule.TimeZone, schedule.State, Tables.Utc(schedule.NextFireTime));
        s.Screen.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>The file's own name (if any) yields to the one given on the command line.</summary>
    private static JsonElement Named(JsonElement definition, string name)
    {
        if (definition.ValueKind != JsonValueKind.Object)
            return definition;
        var node = System.Text.Json.Nodes.JsonObject.Create(definition)!;
        node["name"] = name;
        return JsonSerializer.SerializeToElement(node);
    }
}
