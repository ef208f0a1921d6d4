using System.Globalization;
using System.Text.Json;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.NodeExecution.BuiltIn;

/// <summary>The <c>http</c> node's input: method, url, headers, body, timeout. Reading it reports the first bad field.</summary>
public sealed record HttpNodeInput(HttpMethod Method, Uri Url, IReadOnlyDictionary<string, string> Headers, JsonElement? Body, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static HttpNodeInput Read(JsonElement? input, out string? error)
    {
        error = null;
        if (input is not { ValueKind: JsonValueKind.Object } json)
            return Invalid("http needs an input object with at least 'url'", out error);

        var method = json.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "GET";
        if (!json.TryGetProperty("url", out var u) || u.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(u.GetString(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            return Invalid("http needs input.url, an absolute http or https URL", out error);

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (json.TryGetProperty("headers", out var h))
        {
            if (h.ValueKind != JsonValueKind.Object)
                return Invalid("input.headers must be an object of strings", out error);
            foreach (var header in h.EnumerateObject())
                headers[header.Name] = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText();
        }

        var timeout = DefaultTimeout;
        if (json.TryGetProperty("timeout", out var t) && !TryReadTimeout(t, out timeout))
            return Invalid("input.timeout must be a positive duration (\"5s\", \"00:00:05\") or a number of milliseconds", out error);

        JsonElement? body = json.TryGetProperty("body", out var b) ? b.Clone() : null;
        return new HttpNodeInput(new HttpMethod(method.ToUpperInvariant()), url, headers, body, timeout);
    }

    private static bool TryReadTimeout(JsonElement value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var ms))
            timeout = TimeSpan.FromMilliseconds(ms);
        else if (value.ValueKind != JsonValueKind.String || !FlexibleTimeSpanConverter.TryParse(value.GetString()!, out timeout))
            return false;
        return timeout > TimeSpan.Zero;
    }

    private static HttpNodeInput Invalid(string message, out string error)
    {
        error = message;
        return null!;
    }
}
