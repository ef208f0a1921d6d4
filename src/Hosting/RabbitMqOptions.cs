using Microsoft.Extensions.Options;

namespace SagaWorkflow.Hosting;

/// <summary>
/// Broker connection (section <c>RabbitMq</c>; env <c>RabbitMq__Host</c>, <c>RabbitMq__VirtualHost</c>, ...).
/// <see cref="Uri"/>, when set (<c>amqp://user:pass@host:5672/vhost</c>, or <c>amqps://</c> for TLS), replaces the
/// separate fields.
/// </summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";
    public const int PlainPort = 5672;
    public const int TlsPort = 5671;

    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Empty: 5672, or 5671 with <see cref="UseTls"/> (the ports RabbitMQ listens on for each).</summary>
    public int? Port { get; set; }

    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";
    public string? Uri { get; set; }

    /// <summary>
    /// The broker nodes of a cluster, <c>host[:port]</c> separated by commas (<c>10.0.0.1:5672,10.0.0.2:5672</c>): the
    /// connection goes to the first that answers and moves to another when that node is lost. Empty: <see cref="Host"/>
    /// alone. Credentials, virtual host and TLS come from the other settings (or <see cref="Uri"/>) and are the same on
    /// every node.
    /// </summary>
    public string? Nodes { get; set; }

    /// <summary>Where to connect, in order: the parsed <see cref="Nodes"/>, else <see cref="Host"/> and its port.</summary>
    public IReadOnlyList<(string Host, int Port)> EffectiveNodes =>
        string.IsNullOrWhiteSpace(Nodes) ? [(Host, EffectivePort)] : ParseNodes(Nodes, EffectivePort);

    /// <summary>Connect with TLS, verifying the broker's certificate against <see cref="TlsServerName"/>. An amqps:// URI turns it on.</summary>
    public bool UseTls { get; set; }

    /// <summary>The name the broker's certificate must carry; empty: <see cref="Host"/> (set it when connecting by IP address).</summary>
    public string? TlsServerName { get; set; }

    /// <summary>
    /// Classic node queues made from now on get priorities (<c>x-max-priority</c> 9), so a node's <c>priority</c> decides
    /// which waiting node goes first. Existing queues keep the shape they were made with (<see cref="QueueTopology"/>).
    /// </summary>
    public bool NodePriorities { get; set; } = true;

    /// <summary>
    /// What the durable queues are made as: Classic (one broker node holds each; node queues get priorities) or Quorum
    /// (replicated across a cluster; no priorities on RabbitMQ 3.x). Existing queues keep their kind (<see cref="QueueTopology"/>).
    /// </summary>
    public RabbitMqQueueType QueueType { get; set; } = RabbitMqQueueType.Classic;

    /// <summary>The port actually used: the configured one, else the default of the protocol.</summary>
    public int EffectivePort => Port ?? (UseTls ? TlsPort : PlainPort);

    /// <summary>The server name TLS checks the broker's certificate against.</summary>
    public string EffectiveTlsServerName => string.IsNullOrWhiteSpace(TlsServerName) ? Host : TlsServerName;

    /// <summary>
    /// The fields after applying <see cref="Uri"/>; throws <see cref="OptionsValidationException"/> naming the key when
    /// the settings cannot work (a malformed URI, a port out of range, TLS asked for over an amqp:// URI). A malformed
    /// URI is never echoed: where its password ends cannot be known.
    /// </summary>
    public RabbitMqOptions Resolved()
    {
        var resolved = string.IsNullOrWhiteSpace(Uri) ? this : FromUri(Uri);
        if (resolved.EffectivePort is < 1 or > 65535)
            throw Invalid($"{Section}:Port must be between 1 and 65535, not {resolved.EffectivePort}");
        if (string.IsNullOrWhiteSpace(resolved.Host))
            throw Invalid($"{Section}:Host must not be empty");
        _ = resolved.EffectiveNodes;
        return resolved;
    }

    private RabbitMqOptions FromUri(string text)
    {
        if (!System.Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
            throw Invalid($"{Section}:Uri must be an amqp:// or amqps:// URI such as amqps://user:password@host/vhost; "
                + $"the value given {SchemeOf(text)}is not shown, as it may hold the password");
        var tls = uri.Scheme == "amqps";
        // Silently connecting in plain text when TLS was asked for is the one outcome worse than not starting.
        if (UseTls && !tls)
            throw Invalid($"{Section}:UseTls is true but {Section}:Uri is amqp:// (plain text); use an amqps:// URI");
        var credentials = uri.UserInfo.Split(':', 2);
        return new RabbitMqOptions
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? null : uri.Port,
            VirtualHost = uri.AbsolutePath.Length > 1 ? System.Uri.UnescapeDataString(uri.AbsolutePath[1..]) : "/",
            Username = credentials.Length > 0 && credentials[0].Length > 0 ? System.Uri.UnescapeDataString(credentials[0]) : Username,
            Password = credentials.Length > 1 ? System.Uri.UnescapeDataString(credentials[1]) : Password,
            UseTls = tls,
            TlsServerName = TlsServerName,
            Nodes = Nodes,
            NodePriorities = NodePriorities,
            QueueType = QueueType,
        };
    }

    private static List<(string Host, int Port)> ParseNodes(string nodes, int defaultPort)
    {
        var parsed = new List<(string Host, int Port)>();
        foreach (var node in nodes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = node.LastIndexOf(':');
            var host = colon < 0 ? node : node[..colon];
            var port = defaultPort;
            if (colon >= 0 && (!int.TryParse(node[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
                    || port is < 1 or > 65535))
                throw Invalid($"{Section}:Nodes entry '{node}' must be host or host:port with a port between 1 and 65535");
            if (host.Length == 0 || host.Contains('/', StringComparison.Ordinal) || host.Contains('@', StringComparison.Ordinal))
                throw Invalid($"{Section}:Nodes entry '{node}' must be host or host:port (no scheme, user or path: those come from the other {Section} settings)");
            parsed.Add((host, port));
        }

        return parsed.Count > 0 ? parsed : throw Invalid($"{Section}:Nodes must name at least one host when set");
    }

    // The scheme alone is safe to echo: it helps spot an http:// or a missing scheme without printing credentials.
    private static string SchemeOf(string text) =>
        text.IndexOf("://", StringComparison.Ordinal) is > 0 and < 16 and var end && text[..end].All(char.IsAsciiLetter)
            ? $"(scheme '{text[..end]}') " : "";

    private static OptionsValidationException Invalid(string problem) => new(Section, typeof(RabbitMqOptions), [problem]);
}
