using System.Text.Json;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>Converts between the JSON text stored in rows and the JsonElement values carried by messages.</summary>
public static class NodeJson
{
    private static readonly JsonElement Null = JsonDocument.Parse("null").RootElement.Clone();

    public static JsonElement Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return Null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static JsonElement? ParseOrNull(string? json) => string.IsNullOrEmpty(json) ? null : Parse(json);

    public static string? Write(JsonElement? value) =>
        value is { ValueKind: not JsonValueKind.Undefined } element ? element.GetRawText() : null;

    public static string Write<T>(T value) => JsonSerializer.Serialize(value);
}
