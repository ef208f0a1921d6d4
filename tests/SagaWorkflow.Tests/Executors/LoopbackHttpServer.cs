using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SagaWorkflow.Tests.Executors;

/// <summary>
/// A real HTTP server on 127.0.0.1 and a free port, answering every request with a scripted response and recording what
/// it got. A 3xx answer's body is its <c>Location</c>, so a script can redirect.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerRequest, Task<(int Status, string Body, string ContentType)>> _respond;

    public LoopbackHttpServer(Func<HttpListenerRequest, (int Status, string Body, string ContentType)> respond)
        : this(request => Task.FromResult(respond(request)))
    {
    }

    /// <summary>A server whose answers may wait (a gate the test opens), each request answered on its own.</summary>
    public LoopbackHttpServer(Func<HttpListenerRequest, Task<(int Status, string Body, string ContentType)>> respond)
    {
        _respond = respond;
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    public List<(string Method, string Path, Dictionary<string, string?> Headers, string Body)> Requests { get; } = [];

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            lock (Requests)
                Requests.Add((context.Request.HttpMethod, context.Request.Url!.AbsolutePath,
                    context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k], StringComparer.OrdinalIgnoreCase), body));
            // Not awaited: one held answer must not hold up the next request.
            _ = AnswerAsync(context);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            var (status, text, contentType) = await _respond(context.Request);
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            if (status is >= 300 and < 400)
                context.Response.RedirectLocation = text;
            var bytes = Encoding.UTF8.GetBytes(text);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
            // The server closed (the test ended) while an answer was held.
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
