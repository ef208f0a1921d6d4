using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SagaWorkflow.Executors.BuiltIn;

/// <summary>
/// <c>http</c>: one request per attempt. Sends the execution id as <c>Idempotency-Key</c> and <c>X-Fencing-Token</c> so
/// the target can de-duplicate and reject stale writers. 2xx succeeds; 4xx (but 408 and 429) is not retryable;
/// 5xx, 408, 429, timeouts and connection errors are.
/// </summary>
public sealed class HttpExecutor : INodeExecutor, IDisposable
{
    private const int BodyExcerptLength = 500;

    // One client for the process: sockets are pooled, and connections are recycled so DNS changes are seen.
    private readonly HttpClient _client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public string Capability => "http";

    public async Task<NodeExecutionResult> ExecuteAsync(NodeExecutionRequest request, CancellationToken cancellationToken)
    {
        var input = HttpNodeInput.Read(request.Input, out var error);
        if (error is not null)
            return NodeExecutionResult.Failure(error, retryable: false);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(input.Timeout);
        try
        {
            using var message = BuildRequest(input, request.ExecutionId);
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
                return NodeExecutionResult.Success(new { status, body = ParseBody(text, response.Content.Headers.ContentType) });

            var retryable = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return NodeExecutionResult.Failure($"{input.Method} {input.Url} answered {status} {response.ReasonPhrase}: {Excerpt(text)}", retryable);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return NodeExecutionResult.Failure($"{input.Method} {input.Url} timed out after {input.Timeout}", retryable: true);
        }
        catch (HttpRequestException ex)
        {
            return NodeExecutionResult.Failure($"{input.Method} {input.Url} failed: {ex.Message}", retryable: true);
        }
    }

    public void Dispose() => _client.Dispose();

    private static HttpRequestMessage BuildRequest(HttpNodeInput input, string executionId)
    {
        var message = new HttpRequestMessage(input.Method, input.Url);
        if (input.Body is { } body)
        {
            message.Content = body.ValueKind == JsonValueKind.String
                ? new StringContent(body.GetString()!, Encoding.UTF8, "text/plain")
                : new StringContent(body.GetRawText(), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in input.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
                message.Content?.Headers.TryAddWithoutValidation(name, value);
        }

        message.Headers.Remove("Idempotency-Key");
        message.Headers.Remove("X-Fencing-Token");
        message.Headers.TryAddWithoutValidation("Idempotency-Key", executionId);
        message.Headers.TryAddWithoutValidation("X-Fencing-Token", executionId);
        return message;
    }

    private static object? ParseBody(string text, MediaTypeHeaderValue? contentType)
    {
        if (text.Length == 0)
            return null;
        if (contentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return text;
    }

    private static string Excerpt(string text) => text.Length <= BodyExcerptLength ? text : text[..BodyExcerptLength] + "...";
}
