using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SagaWorkflow.Tests.Api;

/// <summary>
/// A loopback TCP server that answers every HTTP request with one canned response, or with none at all (the connection
/// stays open, as a hung API would): what the CLI meets when --api points somewhere wrong.
/// </summary>
public sealed class CannedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _accepting;

    public CannedHttpServer(string? response)
    {
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        _accepting = AcceptAsync(response is null ? null : Encoding.UTF8.GetBytes(response));
    }

    public string Url { get; }

    /// <summary>A 200 whose body is <paramref name="body"/> with the given content type.</summary>
    public static CannedHttpServer Ok(string body, string contentType = "application/json") =>
        new($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");

    /// <summary>A URL where nothing listens: a port the system just gave out and that was closed again.</summary>
    public static string NothingListening()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/";
    }

    private async Task AcceptAsync(byte[]? response)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_clients)
                    _clients.Add(client);
                if (response is not null)
                    _ = AnswerAsync(client, response);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AnswerAsync(TcpClient client, byte[] response)
    {
        var stream = client.GetStream();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
                return;
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync(response, _stop.Token);
        client.Client.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_clients)
            _clients.ForEach(c => c.Dispose());
        _stop.Dispose();
    }
}
