namespace SagaWorkflow.Executors.Hosting;

/// <summary>
/// Broker connection (section <c>RabbitMq</c>; env <c>RabbitMq__Host</c>, <c>RabbitMq__VirtualHost</c>, ...).
/// <see cref="Uri"/>, when set (<c>amqp://user:pass@host:5672/vhost</c>), replaces the separate fields.
/// </summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 5672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";
    public string? Uri { get; set; }

    /// <summary>The fields after applying <see cref="Uri"/>; throws naming the key when the URI is malformed.</summary>
    public RabbitMqOptions Resolved()
    {
        if (string.IsNullOrWhiteSpace(Uri))
            return this;
        if (!System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
            throw new InvalidOperationException($"{Section}:Uri must be an amqp:// URI, not '{Redacted(Uri)}'");
        var credentials = uri.UserInfo.Split(':', 2);
        return new RabbitMqOptions
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5672 : uri.Port,
            VirtualHost = uri.AbsolutePath.Length > 1 ? System.Uri.UnescapeDataString(uri.AbsolutePath[1..]) : "/",
            Username = credentials.Length > 0 && credentials[0].Length > 0 ? System.Uri.UnescapeDataString(credentials[0]) : Username,
            Password = credentials.Length > 1 ? System.Uri.UnescapeDataString(credentials[1]) : Password,
        };
    }

    // Passwords never reach logs or error messages.
    private static string Redacted(string uri) => System.Text.RegularExpressions.Regex.Replace(uri, "://([^:@/]+):[^@/]*@", "://$1:***@");
}
