using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>Reads request bodies ourselves so a malformed one gets a problem that says where it is wrong.</summary>
public static class RequestJson
{
    /// <summary>For endpoints whose body is optional: an absent or empty body (with or without Content-Length) is no body.</summary>
    public static async Task<(JsonDocument? Body, IResult? Problem)> ReadOptionalObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0)
            return (null, null);
        var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", ex.Message));
        }

        if (buffer.Length == 0)
            return (null, null);
        buffer.Position = 0;
        request.Body = buffer;
        return await ReadObjectAsync(request, cancellationToken);
    }

    public static async Task<(JsonDocument? Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
            return (null, ApiProblems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the body as application/json; got '{type}'."));
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true },
                cancellationToken);
        }
        catch (JsonException ex)
        {
            return (null, ApiProblems.BadRequest($"The body is not valid JSON: {ex.Message}"));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", ex.Message));
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
