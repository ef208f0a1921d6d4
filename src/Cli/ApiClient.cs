using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SagaWorkflow.Cli;

/// <summary>An error the API answered (a problem document) or a failure to reach it, worded for the terminal.</summary>
public sealed class ApiException(string message) : Exception(message);

/// <summary>Thin HTTP client of the orchestrator API: JSON in, JSON out, problems turned into readable errors.</summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public ApiClient(Uri baseAddress, string? key, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = baseAddress;
        _http.Timeout = timeout ?? DefaultTimeout;
        if (!string.IsNullOrEmpty(key))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: CliJson.Options) },
            cancellationToken);

    public Task<T> PutAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body, body.GetType(), options: CliJson.Options) }, cancellationToken);

    public Task<T> DeleteAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw new ApiException($"cannot reach the API at {_http.BaseAddress}: {ex.Message} (set --api or SAGAFLOW_API)");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // HttpClient reports its own timeout as a cancellation; only the caller's token means Ctrl+C.
                throw new ApiException($"the API at {_http.BaseAddress} did not answer {request.Method} {request.RequestUri} within {_http.Timeout.TotalSeconds:0.#} s");
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                    throw new ApiException(Describe(response.StatusCode, text));
                return Read<T>(text, $"{request.Method} {request.RequestUri} with {(int)response.StatusCode}");
            }
        }
    }

    /// <summary>An answer as its record: not JSON, or JSON of another shape (a field missing or of another kind), is one readable error.</summary>
    private T Read<T>(string text, string answered)
    {
        try
        {
            using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        }
        catch (JsonException)
        {
            throw new ApiException($"the API at {_http.BaseAddress} answered {answered} and a body that is not JSON " +
                $"(starts '{Shorten(text)}'); is --api pointing at a SagaWorkflow orchestrator?");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(text.Length == 0 ? "null" : text, CliJson.Options)
                ?? throw new JsonException("the answer is empty");
        }
        catch (JsonException ex)
        {
            throw new ApiException($"the API at {_http.BaseAddress} answered {answered} in a form this sagaflow cannot read ({ex.Message}); " +
                "is --api pointing at a SagaWorkflow orchestrator of this version?");
        }
    }

    /// <summary>"400 Invalid workflow definition: ..." plus one line per listed error, or the raw body when it is no problem document.</summary>
    private static string Describe(HttpStatusCode status, string body)
    {
        var lines = new List<string>();
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            lines.Add($"{(int)status} {Text(problem, "title")}: {Text(problem, "detail")}");
            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in errors.EnumerateArray())
                    lines.Add("  - " + string.Join(" ", error.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null)
                        .Select(p => p.Name == "message" ? p.Value.GetString() : $"[{p.Value}]")));
            }
        }
        catch (JsonException)
        {
            lines.Add($"{(int)status} {status}: {body}");
        }

        if (status == HttpStatusCode.Unauthorized)
            lines.Add("  (pass an API key with --key or SAGAFLOW_API_KEY)");
        return string.Join(Environment.NewLine, lines);
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 40 ? line : line[..40] + "...";
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
