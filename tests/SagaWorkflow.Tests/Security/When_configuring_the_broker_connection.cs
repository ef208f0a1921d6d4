using Microsoft.Extensions.Options;
using SagaWorkflow.Hosting;

namespace SagaWorkflow.Tests.Security;

/// <summary>RabbitMQ settings: TLS is on when asked for (never silently off), and no error echoes a password.</summary>
public sealed class When_configuring_the_broker_connection
{
    [Fact]
    public void An_amqps_uri_turns_tls_on_with_the_tls_port_and_the_host_as_certificate_name()
    {
        var resolved = new RabbitMqOptions { Uri = "amqps://app:secret@broker.internal/prod" }.Resolved();

        Assert.True(resolved.UseTls);
        Assert.Equal(RabbitMqOptions.TlsPort, resolved.EffectivePort);
        Assert.Equal("broker.internal", resolved.EffectiveTlsServerName);
        Assert.Equal(("app", "secret", "prod"), (resolved.Username, resolved.Password, resolved.VirtualHost));
    }

    [Fact]
    public void An_amqp_uri_stays_plain_text_on_the_plain_port()
    {
        var resolved = new RabbitMqOptions { Uri = "amqp://app:secret@broker.internal/prod" }.Resolved();

        Assert.False(resolved.UseTls);
        Assert.Equal(RabbitMqOptions.PlainPort, resolved.EffectivePort);
    }

    [Fact]
    public void Use_tls_with_separate_fields_defaults_to_the_tls_port_and_keeps_an_explicit_one_and_server_name()
    {
        Assert.Equal(RabbitMqOptions.TlsPort, new RabbitMqOptions { UseTls = true }.Resolved().EffectivePort);
        var custom = new RabbitMqOptions { Host = "10.0.0.7", UseTls = true, Port = 15671, TlsServerName = "broker.internal" }.Resolved();

        Assert.Equal(15671, custom.EffectivePort);
        Assert.Equal("broker.internal", custom.EffectiveTlsServerName);
    }

    [Fact]
    public void Use_tls_with_an_amqp_uri_is_refused_rather_than_connecting_in_plain_text()
    {
        var refused = Assert.Throws<OptionsValidationException>(() =>
            new RabbitMqOptions { UseTls = true, Uri = "amqp://app:secret@broker.internal/" }.Resolved());

        Assert.Contains("RabbitMq:UseTls", refused.Message, StringComparison.Ordinal);
        Assert.Contains("amqps://", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app:zebra-secret@broker:5672")]          // no scheme: "app" reads as one
    [InlineData("http://app:zebra-secret@broker/")]       // wrong scheme
    [InlineData("amqp://app:zebra/secret@broker/")]       // an unescaped '/' in the password
    [InlineData("amqp://app:zebra-secret")]               // no host: the password reads as a port
    public void A_malformed_uri_is_refused_naming_the_key_without_echoing_the_password(string uri)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => new RabbitMqOptions { Uri = uri }.Resolved());

        Assert.Contains("RabbitMq:Uri must be an amqp:// or amqps:// URI", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("zebra", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_out_of_range_is_refused_naming_the_key() =>
        Assert.Contains("RabbitMq:Port must be between 1 and 65535",
            Assert.Throws<OptionsValidationException>(() => new RabbitMqOptions { Port = 70000 }.Resolved()).Message, StringComparison.Ordinal);
}
