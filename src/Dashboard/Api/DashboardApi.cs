using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SagaWorkflow.Dashboard.Api;

/// <summary>
/// The dashboard's only way to its data: the orchestrator's own HTTP API over loopback, with the operator's key when one
/// is stored. Reads and actions therefore take the very path a curl or sagaflow call takes (the same key checks,
/// validation, problem texts and published commands), and the dashboard needs no database or bus of its own.
/// </summary>
public sealed class DashboardApi(IHttpClientFactory clients, ApiAddress address)
{
    public const string ClientName = "SagaWorkflow.Dashboard";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<ApiAnswer<T>> GetAsync<T>(string path, string? key, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, null, key, cancellationToken);

    public Task<ApiAnswer<JsonElement>> PostAsync(string path, object? body, string? key, CancellationToken cancellationToken) =>
        SendAsync<JsonElement>(HttpMethod.Post, path, body, key, cancellationToken);

    /// <summary>GET that returns the raw text (the Prometheus exposition of <c>/metrics</c>).</summary>
    public async Task<ApiAnswer<string>> GetTextAsync(string path, string? key, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, null, key);
        using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? new(text, (int)response.StatusCode, null) : new(null, (int)response.StatusCode, ProblemText((int)response.StatusCode, text));
    }

    private async Task<ApiAnswer<T>> SendAsync<T>(HttpMethod method, string path, object? body, string? key, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, body, key);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return new(default, 0, $"The API at {address.Base} could not be reached: {ex.Message}");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
                return new(default, status, ProblemText(status, await response.Content.ReadAsStringAsync(cancellationToken)));
            var value = await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
            return new(value, status, null);
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string path, object? body, string? key)
    {
        var request = new HttpRequestMessage(method, new Uri(address.Base, path));
        if (body is not null)
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        if (!string.IsNullOrEmpty(key))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>The problem document as one line: "409 Conflict: Workflow … is Completed; …", each listed error appended.</summary>
    public static string ProblemText(int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var text = new StringBuilder().Append(status);
            if (root.TryGetProperty("title", out var title))
                text.Append(' ').Append(title.GetString());
            if (root.TryGetProperty("detail", out var detail))
                text.Append(": ").Append(detail.GetString());
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 1)
            {
                foreach (var error in errors.EnumerateArray())
                {
                    if (error.TryGetProperty("message", out var message))
                        text.Append(" • ").Append(message.GetString());
                }
            }

            return text.ToString();
        }
        catch (JsonException)
        {
            return $"{status}: {(body.Length > 300 ? body[..300] : body)}";
        }
    }
}
