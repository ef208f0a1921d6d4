using System.Text.Json;
using System.Text.Json.Serialization;

namespace SagaWorkflow.Contracts.Definitions;

/// <summary>
/// Reads a definition from JSON text. A JSON or shape problem (malformed text, wrong type, unknown property such as a
/// misspelt <c>dependson</c>) becomes a <see cref="DefinitionError"/> with code <c>json</c> naming the path; it never throws.
/// </summary>
public static class WorkflowDefinitionParser
{
    /// <summary>The options definitions are read and written with: camelCase, comments and trailing commas allowed, unknown properties rejected.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateOptions();

    public static (WorkflowDefinition? Definition, IReadOnlyList<DefinitionError> Errors) Parse(string json)
    {
        try
        {
            var definition = JsonSerializer.Deserialize<WorkflowDefinition>(json, SerializerOptions);
            return definition is null
                ? (null, [new DefinitionError(DefinitionErrorCodes.MissingDefinition, null, "the document is JSON null, not a definition")])
                : (definition, []);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? "" : $" at {ex.Path}";
            var line = ex.LineNumber is { } l ? $" (line {l + 1})" : "";
            return (null, [new DefinitionError(DefinitionErrorCodes.Json, null, $"{FirstSentence(ex.Message)}{where}{line}")]);
        }
    }

    /// <summary>Parses then validates: the parse errors if it does not parse, else every validation error (empty when valid).</summary>
    public static IReadOnlyList<DefinitionError> ParseAndValidate(string json, out WorkflowDefinition? definition)
    {
        (definition, var errors) = Parse(json);
        return definition is null ? errors : WorkflowDefinitionValidator.Validate(definition);
    }

    public static string ToJson(WorkflowDefinition definition) => JsonSerializer.Serialize(definition, SerializerOptions);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new FlexibleTimeSpanConverter());
        options.MakeReadOnly();
        return options;
    }

    // System.Text.Json appends its own "Path: ... | LineNumber: ..." details; we report those ourselves.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
