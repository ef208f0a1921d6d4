using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// Reads a request body as bytes and checks what the JSON parser cannot report well: its size (Kestrel stops reading at
/// <c>Api:MaxRequestBytes</c>), its declared media type and charset, and that it is UTF-8. Invalid UTF-8 inside a JSON
/// string passes the parser and throws only when the string is read, which would surface as a 500.
/// </summary>
public static class RequestBody
{
    /// <summary>The whole body (at most <c>Api:MaxRequestBytes</c>, Kestrel enforces it while we read), or the problem to answer.</summary>
    public static async Task<(byte[]? Bytes, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large",
                $"{ex.Message} Send a smaller body, or raise {ApiOptions.Section}:MaxRequestBytes."));
        }
        catch (BadHttpRequestException ex)
        {
            // A malformed transfer (bad chunk framing, a body shorter than its Content-Length): the client's fault, not ours.
            return (null, ApiProblems.Create(ex.StatusCode, "Bad request body", ex.Message));
        }

        return (buffer.ToArray(), null);
    }

    /// <summary>415 unless the body is declared as JSON (or not declared) in UTF-8, the only encoding JSON APIs may require (RFC 8259).</summary>
    public static IResult? UnsupportedMediaType(string? contentType)
    {
        if (contentType is null)
            return null;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType is not { } type
            || !(type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
            return Unsupported($"Send the body as application/json; got '{contentType}'.");
        var charset = media.CharSet?.Trim('"');
        return charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            ? null
            : Unsupported($"Send the JSON encoded as UTF-8 (charset=utf-8, or no charset); got charset '{charset}'.");
    }

    /// <summary>400 naming the first byte that is not UTF-8, or null when the whole body is UTF-8.</summary>
    public static IResult? NotUtf8(ReadOnlySpan<byte> body)
    {
        if (Utf8.IsValid(body))
            return null;
        if (body is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
            return ApiProblems.BadRequest("The body is UTF-16 (it starts with a UTF-16 byte order mark); send the JSON encoded as UTF-8.");
        var offset = 0;
        while (Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) == OperationStatus.Done)
            offset += consumed;
        return ApiProblems.BadRequest(
            $"The body is not UTF-8: the byte 0x{body[offset]:X2} at offset {offset} does not belong to a valid UTF-8 sequence; send the JSON encoded as UTF-8.");
    }

    private static IResult Unsupported(string detail) =>
        ApiProblems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);
}
