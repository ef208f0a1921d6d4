using System.Text.Json;

namespace SagaWorkflow.Cli;

/// <summary>
/// An answer of the API that lacks what this CLI reads (another service on that port, or an orchestrator of another
/// version): worded for the terminal with the field it missed, never a stack trace.
/// </summary>
public sealed class UnexpectedAnswerException(string message) : Exception(message);

/// <summary>Field access on the API's JSON answers that names the missing field instead of throwing KeyNotFoundException.</summary>
public static class AnswerFields
{
    public static JsonElement Field(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value
        : throw new UnexpectedAnswerException(element.ValueKind == JsonValueKind.Object
            ? $"its answer has no '{name}'"
            : $"expected an object with '{name}', got {(element.ValueKind == JsonValueKind.Undefined ? "an empty body" : element.ValueKind.ToString().ToLowerInvariant())}");
}
