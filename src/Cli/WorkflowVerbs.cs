using System.CommandLine;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.CommandLine;

namespace SagaWorkflow.Cli;

/// <summary>Verbs on workflows: submit, status, watch, list, cancel, pause, resume, retry, resolve.</summary>
public static class WorkflowVerbs
{
    public static IEnumerable<Command> Create(VerbAction verbs)
    {
        yield return Submit(verbs);
        var statusId = VerbOptions.WorkflowId();
        var status = new Command("status", "the workflow's per-node table (exit code from its outcome; 0 while it runs)") { statusId };
        status.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var workflow = await s.Client.GetAsync<WorkflowView>($"/api/v1/workflows/{p.GetValue(statusId)}", ct);
            s.Screen.Write(WorkflowTable.Render(workflow));
            return WorkflowWatcher.ExitCodeOf(workflow);
        }));
        yield return status;
        var watchId = VerbOptions.WorkflowId();
        var watch = new Command("watch", "live per-node table until the workflow ends") { watchId };
        watch.SetAction(verbs.Run((s, p, ct) => s.Watcher.WatchAsync(p.GetValue(watchId), ct)));
        yield return watch;
        yield return List(verbs);
        foreach (var verb in new[] { "cancel", "pause", "resume", "retry" })
            yield return Control(verbs, verb);
        yield return Resolve(verbs);
    }

    private static Command Submit(VerbAction verbs)
    {
        var file = new Argument<string?>("definition.json") { Description = "an inline definition to run", Arity = ArgumentArity.ZeroOrOne };
        var name = new Option<string?>("--name") { Description = "run a registered definition instead of a file" };
        var version = new Option<int?>("--version") { Description = "with --name: that version instead of the latest" };
        var input = VerbOptions.Json("--input", "the workflow's input, JSON");
        var id = new Option<Guid?>("--id") { Description = "the id to use (a retried submit with the same id starts nothing new)" };
        var watch = VerbOptions.Watch();
        var submit = new Command("submit", "start a workflow from a definition file or a registered definition") { file, name, version, input, id, watch };
        submit.Validators.Add(r =>
        {
            if ((r.GetValue(file) is null) == (r.GetValue(name) is null))
                r.AddError("give a definition file or --name <registered definition>, not both");
            if (r.GetValue(version) is < 1)
                r.AddError("--version must be a positive whole number");
            else if (r.GetValue(version) is not null && r.GetValue(name) is null)
                r.AddError("--version goes with --name");
        });
        submit.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var body = new SubmitBody(p.GetValue(id), Input: p.GetValue(input), DefinitionName: p.GetValue(name), DefinitionVersion: p.GetValue(version),
                Definition: p.GetValue(file) is { } definition ? await VerbOptions.ReadJsonAsync(definition, ct) : null);
            var accepted = await s.Client.PostAsync<SubmitAccepted>("/api/v1/workflows", body, ct);
            s.Screen.WriteLine($"workflow {accepted.Id} {accepted.Status}");
            return p.GetValue(watch) ? await s.Watcher.WatchAsync(accepted.Id, ct) : ExitCodes.Ok;
        }));
        return submit;
    }

    private static Command List(VerbAction verbs)
    {
        var state = new Option<string?>("--state") { Description = "Running, Paused, Completed, Failed or Cancelled" };
        var definition = new Option<string?>("--definition") { Description = "only runs of this definition" };
        var limit = new Option<int?>("--limit") { Description = "rows per page (the API's default is 50)" };
        var all = new Option<bool>("--all") { Description = "page through everything" };
        var list = new Command("list", "workflows, newest first") { state, definition, limit, all };
        list.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var query = string.Join("&", new[] { ("state", p.GetValue(state)), ("definition", p.GetValue(definition)), ("limit", p.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture)) }
                .Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}"));
            var table = Tables.Create("ID", "STATE", "CREATED (UTC)", "DEFINITION");
            string? cursor = null;
            do
            {
                var page = await s.Client.GetAsync<WorkflowPage>("/api/v1/workflows?" + query + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), ct);
                foreach (var item in page.Items)
                    table.Row(item.Id.ToString(), item.State, Tables.Utc(item.CreatedAt), item.Definition);
                cursor = page.NextCursor;
            }
            while (p.GetValue(all) && cursor is not null);
            s.Screen.Write(table);
            if (cursor is not null)
                s.Screen.WriteLine("(more: --all pages through everything)");
            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command Control(VerbAction verbs, string verb)
    {
        var id = VerbOptions.WorkflowId();
        var reason = VerbOptions.Reason();
        var watch = VerbOptions.Watch();
        var command = new Command(verb, verb switch
        {
            "cancel" => "cancel a running or paused workflow",
            "pause" => "pause a running workflow (nodes already running finish)",
            "resume" => "resume a paused workflow",
            _ => "re-run what failed or was cancelled",
        }) { id, reason, watch };
        command.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var answer = await s.Client.PostAsync<WorkflowControlAnswer>($"/api/v1/workflows/{p.GetValue(id)}/{verb}", new ControlBody(p.GetValue(reason)), ct);
            s.Screen.WriteLine($"workflow {answer.Id}: {answer.Status}");
            return p.GetValue(watch) ? await s.Watcher.WatchAsync(answer.Id, ct) : ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Resolve(VerbAction verbs)
    {
        var id = VerbOptions.WorkflowId();
        var node = new Argument<string>("node-id") { Description = "the node parked in_doubt" };
        var decision = new Argument<string>("decision") { Description = "succeed, retry or fail" }.AcceptOnlyFromAmong("succeed", "retry", "fail");
        var output = VerbOptions.Json("--output", "with succeed: the node's output, JSON");
        var reason = VerbOptions.Reason();
        var watch = VerbOptions.Watch();
        var resolve = new Command("resolve", "decide on a node parked in_doubt after its executor was lost") { id, node, decision, output, reason, watch };
        resolve.SetAction(verbs.Run(async (s, p, ct) =>
        {
            var answer = await s.Client.PostAsync<NodeResolveAnswer>(
                $"/api/v1/workflows/{p.GetValue(id)}/nodes/{Uri.EscapeDataString(p.GetValue(node)!)}/resolve",
                new ResolveBody(p.GetValue(decision)!, p.GetValue(output), p.GetValue(reason)), ct);
            s.Screen.WriteLine($"workflow {answer.Id}, node {answer.Node}: {answer.Status}");
            return p.GetValue(watch) ? await s.Watcher.WatchAsync(answer.Id, ct) : ExitCodes.Ok;
        }));
        return resolve;
    }
}
