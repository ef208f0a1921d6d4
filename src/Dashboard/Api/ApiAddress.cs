using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SagaWorkflow.Dashboard.Api;

/// <summary>
/// Where this process's own API listens, as seen from inside it: the first http address Kestrel bound, with a wildcard
/// host (0.0.0.0, [::], +, *) replaced by loopback. Read when first needed, because with port 0 it is known only after start.
/// </summary>
public sealed class ApiAddress(IServer server)
{
    private Uri? _base;

    public Uri Base => _base ??= Resolve();

    private Uri Resolve()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The dashboard needs the API's HTTP listener, and the server has no address.");
        var builder = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "localhost" or "[::]" or "::")
            builder.Host = "127.0.0.1";
        return builder.Uri;
    }
}
