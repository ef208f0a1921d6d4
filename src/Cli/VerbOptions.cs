using System.CommandLine;
using System.Text.Json;

namespace SagaWorkflow.Cli;

/// <summary>Options and arguments several verbs take, each made fresh per verb (a symbol belongs to one command).</summary>
public static class VerbOptions
{
    public static Option<bool> Watch(string what = "follow the workflow until it ends (exit code from its outcome)") => new("--watch") { Description = what };

    public static Option<string?> Reason() => new("--reason") { Description = "why, recorded with the request" };

    public static Argument<Guid> WorkflowId() => new("workflow-id") { Description = "the workflow's id (a GUID)" };

    /// <summary>A JSON value given on the command line; malformed JSON is a usage error before any request is sent.</summary>
    public static Option<JsonElement?> Json(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var json = CliJson.TryParse(result.Tokens[0].Value, out var error);
            if (json is null)
                result.AddError($"{name} is not valid JSON: {error}");
            return json;
        },
    };

    /// <summary>A JSON file as definitions and schedules are written (comments and trailing commas allowed).</summary>
    public static async Task<JsonElement> ReadJsonAsync(string file, CancellationToken cancellationToken) =>
        !File.Exists(file) ? throw new UsageException($"file '{file}' does not exist")
        : CliJson.TryParse(await File.ReadAllTextAsync(file, cancellationToken), out var error) ?? throw new UsageException($"{file} is not valid JSON: {error}");
}
