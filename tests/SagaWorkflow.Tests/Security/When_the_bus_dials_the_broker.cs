using System.Net;
using System.Net.Sockets;
using System.Text;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Hosting;

namespace SagaWorkflow.Tests.Security;

/// <summary>
/// What the configured bus actually sends first on the wire, read by a bare TCP listener standing in for the broker:
/// a TLS ClientHello for amqps://, the AMQP protocol header for amqp://. No certificate is needed to see that.
/// </summary>
public sealed class When_the_bus_dials_the_broker
{
    [Fact]
    public async Task An_amqps_uri_opens_with_a_tls_handshake_naming_the_configured_server()
    {
        var opening = await FirstBytesAsync(port => new()
        {
            ["RabbitMq:Uri"] = $"amqps://app:secret@127.0.0.1:{port}/",
            ["RabbitMq:TlsServerName"] = "broker.internal",
        });

        // 0x16 = TLS handshake record, 0x03 = TLS major version; the ClientHello carries the name to verify (SNI).
        Assert.Equal(0x16, opening[0]);
        Assert.Equal(0x03, opening[1]);
        Assert.Contains("broker.internal", Encoding.ASCII.GetString(opening), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", Encoding.ASCII.GetString(opening), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_amqp_uri_opens_in_plain_text_with_the_amqp_header()
    {
        var opening = await FirstBytesAsync(port => new() { ["RabbitMq:Uri"] = $"amqp://app:secret@127.0.0.1:{port}/" });

        Assert.StartsWith("AMQP", Encoding.ASCII.GetString(opening), StringComparison.Ordinal);
    }

    private static async Task<byte[]> FirstBytesAsync(Func<int, Dictionary<string, string?>> settings)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Transport:Kind"] = "RabbitMq" })
            .AddInMemoryCollection(settings(((IPEndPoint)listener.LocalEndpoint).Port))
            .Build();
        var services = new ServiceCollection().AddLogging()
            .AddMassTransit(x => x.UsingConfiguredTransport(configuration, (_, _) => { }));
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IBusControl>();
        using var stop = new CancellationTokenSource();
        var starting = bus.StartAsync(stop.Token);

        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var buffer = new byte[512];
        var read = await client.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        // The stand-in never answers, so the start cannot succeed; it only has to end.
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => starting.WaitAsync(TimeSpan.FromSeconds(30)));
        await bus.StopAsync(CancellationToken.None);
        return buffer[..read];
    }
}
