using System.Security.Authentication;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace SagaWorkflow.Hosting;

/// <summary>
/// Picks the bus transport from configuration, so local and distributed mode are the same code. Shared by the
/// orchestrator and the executor host: both call <see cref="UsingConfiguredTransport"/> with their own endpoints.
/// </summary>
public static class TransportConfiguration
{
    public static TransportKind Kind(IConfiguration configuration) =>
        configuration.GetSection(TransportOptions.Section).Get<TransportOptions>()?.Kind ?? TransportKind.InMemory;

    /// <summary>Configures the transport, then <paramref name="configureEndpoints"/>, then every registered consumer's default endpoint.</summary>
    public static void UsingConfiguredTransport(this IBusRegistrationConfigurator x, IConfiguration configuration,
        Action<IBusRegistrationContext, IBusFactoryConfigurator> configureEndpoints)
    {
        // MassTransit's own health check of the bus and its endpoints, tagged "ready": /ready lists it as "bus".
        x.ConfigureHealthCheckOptions(o => o.Name = "bus");
        if (Kind(configuration) == TransportKind.InMemory)
        {
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseConsumeFilter(typeof(WorkflowLogScope<>), context);
                configureEndpoints(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
            return;
        }

        var rabbit = (configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>() ?? new RabbitMqOptions()).Resolved();
        x.TryAddSingleton(sp => new QueueTopology(rabbit, sp.GetRequiredService<ILogger<QueueTopology>>()));
        x.UsingRabbitMq((context, cfg) =>
        {
            cfg.Host(rabbit.Host, (ushort)rabbit.EffectivePort, rabbit.VirtualHost, h =>
            {
                h.Username(rabbit.Username);
                h.Password(rabbit.Password);
                // A cluster: the client connects to the first node that answers and reconnects to another when it is lost.
                if (!string.IsNullOrWhiteSpace(rabbit.Nodes))
                    h.UseCluster(c =>
                    {
                        foreach (var (host, port) in rabbit.EffectiveNodes)
                            c.Node($"{host}:{port}");
                    });
                if (rabbit.UseTls)
                {
                    // Certificate errors are never allowed: a broker whose certificate does not match the name or
                    // chain to a trusted root is refused (trust a private CA through the system store).
                    h.UseSsl(ssl =>
                    {
                        ssl.ServerName = rabbit.EffectiveTlsServerName;
                        ssl.Protocol = SslProtocols.Tls12 | SslProtocols.Tls13;
                    });
                }

                // Publisher confirms: a send completes only once the broker has the message, so the outbox's
                // "sent after commit" means stored by the broker, not merely written to a socket.
                h.PublisherConfirmation = true;
            });
            // Before any endpoint is configured: each durable queue is shaped as the broker has it (QueueTopology).
            cfg.ConnectEndpointConfigurationObserver(context.GetRequiredService<QueueTopology>());
            cfg.SendTopology.ConfigureErrorSettings = QueueTopology.KeepPlainClassic;
            cfg.SendTopology.ConfigureDeadLetterSettings = QueueTopology.KeepPlainClassic;
            cfg.UseConsumeFilter(typeof(WorkflowLogScope<>), context);
            configureEndpoints(context, cfg);
            cfg.ConfigureEndpoints(context);
        });
    }
}
