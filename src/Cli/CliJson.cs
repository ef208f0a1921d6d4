using System.Text.Json;
using System.Text.Json.Serialization;

namespace SagaWorkflow.Cli;

/// <summary>How sagaflow reads and writes the API's JSON (the shapes are in SagaWorkflow.ApiContracts).</summary>
public static class CliJson
{
    /// <summary>
    /// Answers must carry every field of their record with its declared kind (an answer from another service or version
    /// is then reported, not half-read); requests leave out what is not given, which the API reads as absent.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>JSON as definitions and schedules are written (comments and trailing commas allowed); null when not valid.</summary>
    public static JsonElement? TryParse(string text, out string? error)
    {
        try
        {
            using var document = JsonDocument.Parse(text, Lenient);
            error = null;
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return null;
        }
    }
}
