using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>Reads request bodies ourselves so a malformed one gets a problem that says where it is wrong.</summary>
public static class RequestJson
{
    /// <summary>JSON nests at most this deep in a body; deeper text is refused while it is parsed, before any of it is used.</summary>
    public const int MaxDepth = 64;

    /// <summary>For endpoints whose body is optional: an absent or empty body (with or without Content-Length) is no body.</summary>
    public static async Task<(JsonDocument? Body, IResult? Problem)> ReadOptionalObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0)
            return (null, null);
        var (bytes, problem) = await RequestBody.ReadAsync(request, cancellationToken);
        if (problem is not null || bytes!.Length == 0)
            return (null, problem);
        return Parse(request, bytes);
    }

    public static async Task<(JsonDocument? Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // The media type is checked first, so a client sending the wrong kind of body is told so without uploading it.
        if (RequestBody.UnsupportedMediaType(request.ContentType) is { } unsupported)
            return (null, unsupported);
        var (bytes, problem) = await RequestBody.ReadAsync(request, cancellationToken);
        return problem is not null ? (null, problem) : Parse(request, bytes!);
    }

    private static (JsonDocument? Body, IResult? Problem) Parse(HttpRequest request, byte[] bytes)
    {
        var problem = RequestBody.UnsupportedMediaType(request.ContentType) ?? RequestBody.NotUtf8(bytes);
        if (problem is not null)
            return (null, problem);
        JsonDocument document;
        try
        {
            // From a stream, so a UTF-8 byte order mark is skipped.
            document = JsonDocument.Parse(new MemoryStream(bytes, writable: false),
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = MaxDepth });
        }
        // The reader says "The maximum configured depth of 64 has been exceeded"; other errors mention depth too (truncated text).
        catch (JsonException ex) when (ex.Message.Contains($"depth of {MaxDepth}", StringComparison.Ordinal))
        {
            return (null, ApiProblems.BadRequest(
                $"The body nests objects and arrays deeper than {MaxDepth} levels (at byte {ex.BytePositionInLine} of line {ex.LineNumber + 1}); no request here needs that many."));
        }
        catch (JsonException ex)
        {
            return (null, ApiProblems.BadRequest($"The body is not valid JSON: {ex.Message}"));
        }

        var kind = document.RootElement.ValueKind;
        if (kind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, ApiProblems.BadRequest($"The body must be a JSON object; got {kind}."));
        }

        return (document, null);
    }

    /// <summary>An optional string property: absent or null gives null; another kind is noted as a problem naming the property.</summary>
    public static string? OptionalString(JsonElement body, string name, ICollection<RequestProblem> problems)
    {
        if (!body.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
            return null;
        if (property.ValueKind == JsonValueKind.String)
            return property.GetString();
        problems.Add(new RequestProblem(name, $"'{name}' must be a string; got {property.ValueKind}."));
        return null;
    }

    /// <summary>
    /// One problem per property of <paramref name="body"/> that is not one of <paramref name="known"/> (a typo among
    /// several is then not hidden behind the first); <paramref name="takes"/> says what the endpoint does take.
    /// </summary>
    public static IEnumerable<RequestProblem> UnknownProperties(JsonElement body, string takes, params string[] known) =>
        body.EnumerateObject().Select(p => p.Name).Where(name => !known.Contains(name, StringComparer.Ordinal))
            .Select(name => new RequestProblem(name, $"Unknown property '{name}'; {takes}."));
}
