using Microsoft.Extensions.Options;
using SagaWorkflow.Hosting;

namespace SagaWorkflow.Tests.Hosting;

/// <summary><c>RabbitMq:Nodes</c>: a cluster's nodes, in order, each with the connection's default port unless it names one.</summary>
public sealed class When_naming_broker_cluster_nodes
{
    [Fact]
    public void Nodes_keep_their_order_and_take_the_default_port_where_none_is_given()
    {
        var resolved = new RabbitMqOptions { Uri = "amqps://app:secret@broker-a/prod", Nodes = "broker-a, broker-b:5999 ,10.0.0.3" }.Resolved();

        Assert.Equal([("broker-a", 5671), ("broker-b", 5999), ("10.0.0.3", 5671)], resolved.EffectiveNodes);
        Assert.Equal(("app", "prod", true), (resolved.Username, resolved.VirtualHost, resolved.UseTls));
    }

    [Fact]
    public void Without_nodes_the_host_is_the_only_node() =>
        Assert.Equal([("10.0.0.7", 5673)], new RabbitMqOptions { Host = "10.0.0.7", Port = 5673 }.Resolved().EffectiveNodes);

    [Theory]
    [InlineData("broker-a:0", "'broker-a:0' must be host or host:port with a port between 1 and 65535")]
    [InlineData("broker-a:http", "'broker-a:http' must be host or host:port with a port between 1 and 65535")]
    [InlineData("amqp://broker-a", "'amqp://broker-a' must be host or host:port")]
    [InlineData("user@broker-a", "'user@broker-a' must be host or host:port (no scheme, user or path")]
    [InlineData(" , ", "RabbitMq:Nodes must name at least one host when set")]
    public void A_node_that_cannot_be_an_address_is_refused_naming_the_key_and_the_entry(string nodes, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => new RabbitMqOptions { Nodes = nodes }.Resolved());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
