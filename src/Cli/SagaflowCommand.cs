using System.Text.Json;
using System.Text.Json.Nodes;

namespace SagaWorkflow.Cli;

/// <summary>
/// <c>sagaflow</c>: the operator's command line over the orchestrator's HTTP API. Exit codes: 0 done (workflow
/// completed, executor drained), 1 workflow failed (or executor lost while draining), 3 workflow cancelled, 2 bad usage
/// or the API refused the request or gave no usable answer, 130 interrupted.
/// </summary>
public static class SagaflowCommand
{
    public const int Ok = 0, WorkflowFailed = 1, Refused = 2, WorkflowCancelled = 3, Interrupted = 130;

    public const string Usage = """
        usage: sagaflow [--api http://127.0.0.1:5080] [--key <api key>] <command>
          submit <definition.json> [--input <json>] [--id <guid>] [--watch]
          submit --name <registered definition> [--version N] [--input <json>] [--id <guid>] [--watch]
          define <name> <definition.json>         store it as the next version of <name>
          definitions                             list registered definitions
          schedules | schedule create <schedule.json> | schedule pause|resume|delete|fires <id>
          status <workflow-id>
          watch <workflow-id>                     live per-node table until the workflow ends
          list [--state Running|Completed|Failed|Cancelled] [--definition <name>] [--limit 50] [--all]
          cancel | pause | resume | retry <workflow-id> [--reason <text>] [--watch]
          resolve <workflow-id> <node-id> succeed|retry|fail [--output <json>] [--reason <text>] [--watch]
                                                  decide on a node parked in_doubt after its executor was lost
          executors
          drain <executor-id> [--deadline 30s] [--reason <text>] [--watch]
                                                  --watch: in-flight count until drained (exit 0), 1 if lost first
        --api defaults to SAGAFLOW_API, then http://127.0.0.1:5080; --key to SAGAFLOW_API_KEY.
        exit codes: 0 ok / completed / drained, 1 failed (or executor lost while draining), 3 cancelled,
          2 refused, bad usage or no usable answer from the API, 130 interrupted
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, Func<string, string?> environment,
        CancellationToken cancellationToken, bool interactive = false, TimeSpan? pollInterval = null, HttpMessageHandler? handler = null,
        TimeSpan? requestTimeout = null)
    {
        if (args is [] or ["--help"] or ["-h"] or ["help"])
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? Refused : Ok;
        }

        Options options;
        try
        {
            options = new Options(args);
        }
        catch (ArgumentException ex)
        {
            return Fail(errors, ex.Message + "\n" + Usage);
        }

        var api = options.Take("--api") ?? environment("SAGAFLOW_API") ?? "http://127.0.0.1:5080";
        var key = options.Take("--key") ?? environment("SAGAFLOW_API_KEY");
        if (!Uri.TryCreate(api, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            return Fail(errors, $"--api '{api}' is not an http(s) URL such as http://127.0.0.1:5080");
        using var client = new ApiClient(baseAddress, key, handler, requestTimeout);
        var watcher = new WorkflowWatcher(client, output, interactive, pollInterval ?? TimeSpan.FromMilliseconds(500));
        try
        {
            switch (options.Positional)
            {
                case ["submit", var file]:
                    return await SubmitAsync(client, watcher, new JsonObject { ["definition"] = await ReadJsonFileAsync(file, cancellationToken) }, options, output,
                        cancellationToken);
                case ["submit"] when options.Take("--name") is { } registered:
                    return await SubmitAsync(client, watcher, new JsonObject { ["definitionName"] = registered, ["definitionVersion"] = VersionOf(options) }, options,
                        output, cancellationToken);
                case ["define", var name, var file]:
                    return await DefineAsync(client, name, file, output, cancellationToken);
                case ["schedules"] or ["schedule", "list"]:
                    output.WriteLine(ScheduleTable(await client.GetAsync("/api/v1/schedules", cancellationToken)));
                    return Ok;
                case ["schedule", "create", var file]:
                    var created = await client.PostAsync("/api/v1/schedules", (await ReadJsonFileAsync(file, cancellationToken))?.ToJsonString() ?? "null", cancellationToken);
                    output.WriteLine($"schedule {created.Field("id").GetString()} {created.Field("status").GetString()}");
                    return Ok;
                case ["schedule", var action and ("pause" or "resume" or "delete"), var scheduleId]:
                    var path = $"/api/v1/schedules/{Uri.EscapeDataString(scheduleId)}" + (action == "delete" ? "" : "/" + action);
                    var changed = action == "delete" ? await client.DeleteAsync(path, cancellationToken) : await client.PostAsync(path, null, cancellationToken);
                    output.WriteLine($"schedule {scheduleId} {changed.Field("status").GetString()}");
                    return Ok;
                case ["schedule", "fires", var scheduleId]:
                    var ledger = await client.GetAsync($"/api/v1/schedules/{Uri.EscapeDataString(scheduleId)}/fires", cancellationToken);
                    output.WriteLine($"{"PLANNED (UTC)",-23}  {"OUTCOME",-8}  {"WORKFLOW",-36}  REASON");
                    foreach (var f in ledger.Field("fires").EnumerateArray())
                        output.WriteLine($"{f.Field("fireTime").GetDateTime():yyyy-MM-dd HH:mm:ss.fff}  {f.Field("outcome").GetString(),-8}  {(f.Field("workflowId").ValueKind == JsonValueKind.String ? f.Field("workflowId").GetString() : "-"),-36}  {(f.Field("reason").ValueKind == JsonValueKind.String ? f.Field("reason").GetString() : "")}");
                    return Ok;
                case ["definitions"]:
                    var definitions = await client.GetAsync("/api/v1/definitions", cancellationToken);
                    output.WriteLine($"{"NAME",-40}  {"LATEST",6}  {"VERSIONS",8}  UPDATED (UTC)");
                    foreach (var d in definitions.EnumerateArray())
                        output.WriteLine($"{d.Field("name").GetString(),-40}  {d.Field("latestVersion").GetInt32(),6}  {d.Field("versions").GetInt32(),8}  {d.Field("updatedAt").GetDateTime():yyyy-MM-dd HH:mm:ss}");
                    return Ok;
                case ["status", var id]:
                    var workflow = await client.GetAsync($"/api/v1/workflows/{Uri.EscapeDataString(id)}", cancellationToken);
                    output.WriteLine(WorkflowTable.Render(workflow));
                    return ExitCodeOf(workflow, running: Ok);
                case ["watch", var id]:
                    return await watcher.WatchAsync(id, cancellationToken);
                case ["list"]:
                    return await ListAsync(client, options, output, cancellationToken);
                case [var verb and ("cancel" or "pause" or "resume" or "retry"), var id]:
                    var answer = await client.PostAsync($"/api/v1/workflows/{Uri.EscapeDataString(id)}/{verb}",
                        new JsonObject { ["reason"] = options.Take("--reason") }.ToJsonString(), cancellationToken);
                    output.WriteLine($"workflow {id}: {answer.Field("status").GetString()}");
                    return options.Flag("--watch") ? await watcher.WatchAsync(id, cancellationToken) : Ok;
                case ["resolve", var id, var nodeId, var decision]:
                    var resolution = new JsonObject
                    {
                        ["decision"] = decision, ["output"] = ParseJson(options.Take("--output"), "--output"), ["reason"] = options.Take("--reason"),
                    };
                    var resolved = await client.PostAsync($"/api/v1/workflows/{Uri.EscapeDataString(id)}/nodes/{Uri.EscapeDataString(nodeId)}/resolve",
                        resolution.ToJsonString(), cancellationToken);
                    output.WriteLine($"workflow {id}, node {nodeId}: {resolved.Field("status").GetString()}");
                    return options.Flag("--watch") ? await watcher.WatchAsync(id, cancellationToken) : Ok;
                case ["executors"]:
                    output.WriteLine(ExecutorTable(await client.GetAsync("/api/v1/executors", cancellationToken)));
                    return Ok;
                case ["drain", var executor]:
                    var drainWatcher = new DrainWatcher(client, output, pollInterval ?? TimeSpan.FromMilliseconds(500));
                    var watchDrain = options.Flag("--watch");
                    var requestedBefore = watchDrain ? await drainWatcher.DrainRequestedAtAsync(executor, cancellationToken) : null;
                    var body = new JsonObject { ["deadline"] = options.Take("--deadline"), ["reason"] = options.Take("--reason") };
                    await client.PostAsync($"/api/v1/executors/{Uri.EscapeDataString(executor)}/drain", body.ToJsonString(), cancellationToken);
                    output.WriteLine($"drain of executor {executor} requested");
                    return watchDrain ? await drainWatcher.WatchAsync(executor, requestedBefore, cancellationToken) : Ok;
                default:
                    return Fail(errors, (options.Positional.Length == 0 ? "no command given" : $"unknown command '{string.Join(' ', options.Positional)}'") + "\n" + Usage);
            }
        }
        catch (Exception ex) when (ex is ApiException or UsageException)
        {
            return Fail(errors, ex.Message);
        }
        catch (UnexpectedAnswerException ex)
        {
            return Fail(errors, $"the API at {baseAddress} answered unexpectedly: {ex.Message}; is --api pointing at a SagaWorkflow orchestrator of this version?");
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // A field of another JSON kind than this CLI reads (JsonElement's GetString, GetInt32, GetDateTime throw these).
            return Fail(errors, $"the API at {baseAddress} answered in a form this sagaflow cannot read ({ex.Message}); is --api pointing at a SagaWorkflow orchestrator of this version?");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            errors.WriteLine(options.Positional is ["drain", ..]
                ? "interrupted (the drain goes on; `sagaflow executors` shows how far it is)"
                : "interrupted (the workflow keeps running; `sagaflow cancel <id>` stops it)");
            return Interrupted;
        }
    }

    private static readonly string[] ListFilters = ["state", "definition", "limit"];

    public static int ExitCodeOf(JsonElement workflow, int running) => WorkflowTable.State(workflow) switch
    {
        "Completed" => Ok,
        "Failed" => WorkflowFailed,
        "Cancelled" => WorkflowCancelled,
        _ => running,
    };

    /// <summary>Posts a submit (<paramref name="request"/> names the definition; input and id come from the options) and watches if asked.</summary>
    private static async Task<int> SubmitAsync(ApiClient client, WorkflowWatcher watcher, JsonObject request, Options options, TextWriter output,
        CancellationToken cancellationToken)
    {
        request["input"] = ParseJson(options.Take("--input"), "--input");
        request["id"] = options.Take("--id");
        var accepted = await client.PostAsync("/api/v1/workflows", request.ToJsonString(), cancellationToken);
        var id = accepted.Field("id").GetString()!;
        output.WriteLine($"workflow {id} {accepted.Field("status").GetString()}");
        return options.Flag("--watch") ? await watcher.WatchAsync(id, cancellationToken) : Ok;
    }

    private static int? VersionOf(Options options) =>
        options.Take("--version") is not { } text ? null
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 1 ? v
        : throw new UsageException($"--version '{text}' is not a positive whole number");

    private static async Task<int> DefineAsync(ApiClient client, string name, string file, TextWriter output, CancellationToken cancellationToken)
    {
        var definition = await ReadJsonFileAsync(file, cancellationToken);
        if (definition is JsonObject body)
            body["name"] = name; // the file's own name (if any) yields to the one given here
        var stored = await client.PutAsync($"/api/v1/definitions/{Uri.EscapeDataString(name)}", definition?.ToJsonString() ?? "null", cancellationToken);
        output.WriteLine($"definition {name} version {stored.Field("version").GetInt32()} stored");
        return Ok;
    }

    /// <summary>A JSON file as definitions and schedules are written (comments and trailing commas allowed).</summary>
    private static async Task<JsonNode?> ReadJsonFileAsync(string file, CancellationToken cancellationToken) =>
        File.Exists(file) ? ParseJson(await File.ReadAllTextAsync(file, cancellationToken), file)
        : throw new UsageException($"file '{file}' does not exist");

    private static JsonNode? ParseJson(string? text, string what)
    {
        if (text is null)
            return null;
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new UsageException($"{what} is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>Bad input on this side of the API (a missing file, malformed JSON, a bad option value): exit 2 with the message.</summary>
    private sealed class UsageException(string message) : Exception(message);

    private static async Task<int> ListAsync(ApiClient client, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var query = string.Join("&", ListFilters
            .Select(name => (name, value: options.Take("--" + name))).Where(p => p.value is not null)
            .Select(p => $"{p.name}={Uri.EscapeDataString(p.value!)}"));
        var all = options.Flag("--all");
        string? cursor = null;
        output.WriteLine($"{"ID",-36}  {"STATE",-9}  {"CREATED (UTC)",-23}  DEFINITION");
        do
        {
            var page = await client.GetAsync("/api/v1/workflows?" + query + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), cancellationToken);
            foreach (var item in page.Field("items").EnumerateArray())
                output.WriteLine($"{item.Field("id").GetString(),-36}  {item.Field("state").GetString(),-9}  {item.Field("createdAt").GetDateTime():yyyy-MM-dd HH:mm:ss.fff}  {item.Field("definition").GetString()}");
            cursor = page.Field("nextCursor").ValueKind == JsonValueKind.String ? page.Field("nextCursor").GetString() : null;
            if (cursor is not null && !all)
                output.WriteLine("(more: --all pages through everything)");
        }
        while (all && cursor is not null);
        return Ok;
    }

    private static string ScheduleTable(JsonElement schedules) =>
        string.Join(Environment.NewLine, new[] { $"{"SCHEDULE",-24}  {"CRON",-20}  {"TIME ZONE",-16}  {"STATE",-8}  NEXT FIRE (UTC)" }
            .Concat(schedules.EnumerateArray().Select(s =>
                $"{s.Field("id").GetString(),-24}  {s.Field("cron").GetString(),-20}  {s.Field("timeZone").GetString(),-16}  {s.Field("state").GetString(),-8}  " +
                (s.Field("nextFireTime").ValueKind == JsonValueKind.String ? s.Field("nextFireTime").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) : "-"))));

    private static string ExecutorTable(JsonElement executors) =>
        string.Join(Environment.NewLine, new[] { $"{"EXECUTOR",-24}  {"STATE",-8}  {"IN FLIGHT",9}  {"LAST HEARTBEAT (UTC)",-23}  CAPABILITIES" }
            .Concat(executors.EnumerateArray().Select(e =>
                $"{e.Field("id").GetString(),-24}  {e.Field("state").GetString(),-8}  {e.Field("inFlight").GetInt32(),9}  " +
                $"{(e.Field("lastHeartbeatAt").ValueKind == JsonValueKind.String ? e.Field("lastHeartbeatAt").GetDateTime().ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) : "-"),-23}  " +
                string.Join(",", e.Field("capabilities").EnumerateArray().Select(c => c.GetString())))));

    private static int Fail(TextWriter errors, string message)
    {
        errors.WriteLine(message);
        return Refused;
    }

    /// <summary>Arguments split once into <c>--name value</c> options, flags, and positionals; an unknown option is an error.</summary>
    private sealed class Options
    {
        private static readonly HashSet<string> Valued =
            ["--api", "--key", "--input", "--id", "--state", "--definition", "--limit", "--reason", "--deadline", "--name", "--version", "--output"];
        private static readonly HashSet<string> Flags = ["--watch", "--all"];
        private readonly Dictionary<string, string> _values = [];
        private readonly HashSet<string> _flags = [];

        public Options(string[] args)
        {
            var positional = new List<string>();
            for (var i = 0; i < args.Length; i++)
            {
                if (Flags.Contains(args[i]))
                    _flags.Add(args[i]);
                else if (Valued.Contains(args[i]))
                    _values[args[i]] = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                else if (args[i].StartsWith("--", StringComparison.Ordinal))
                    throw new ArgumentException($"unknown option {args[i]}");
                else
                    positional.Add(args[i]);
            }

            Positional = [.. positional];
        }

        public string[] Positional { get; }

        public string? Take(string name) => _values.GetValueOrDefault(name);

        public bool Flag(string name) => _flags.Contains(name);
    }
}
