using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SagaWorkflow.NodeExecution.BuiltIn;

/// <summary>
/// <c>http</c>: one request per attempt. Sends the execution id as <c>Idempotency-Key</c> and <c>X-Fencing-Token</c> so
/// the target can de-duplicate and reject stale writers. 2xx succeeds; 4xx (but 408 and 429) is not retryable;
/// 5xx, 408, 429, timeouts and connection errors are. A target refused by <see cref="HttpTargetPolicy"/> is not retryable.
/// </summary>
public sealed class HttpExecutor : INodeExecutor, IDisposable
{
    private const int BodyExcerptLength = 500;
    private readonly HttpTargetPolicy _policy;
    private readonly HttpClient _client;

    public HttpExecutor(HttpTargetPolicy policy)
    {
        _policy = policy;
        // One client for the process: sockets are pooled, and connections are recycled so DNS changes are seen.
        _client = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            // Every connection, redirects included, is opened here after its address passed the policy.
            ConnectCallback = ConnectAsync,
            // Through a proxy the policy would only ever see the proxy's address, never the target's.
            UseProxy = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

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
        catch (HttpRequestException ex) when (ex.InnerException is HttpTargetRefusedException refused)
        {
            return NodeExecutionResult.Failure($"{input.Method} {input.Url} refused: {refused.Message}", retryable: false);
        }
        catch (HttpRequestException ex)
        {
            return NodeExecutionResult.Failure($"{input.Method} {input.Url} failed: {ex.Message}", retryable: true);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Resolves the host, refuses the connection if any of its addresses is refused (a name that mixes inside and outside
    /// addresses is how DNS rebinding gets in), then connects to exactly the addresses checked.
    /// </summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        foreach (var address in addresses)
        {
            if (_policy.Refusal(address) is { } reason)
                throw new HttpTargetRefusedException(host.Trim('[', ']'), address, reason);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

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
