using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// Endpoint filter that checks the caller's API key (<c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c>):
/// 401 without a valid key, 403 with a read-only key on a mutating endpoint. Keys are compared in constant time
/// through their SHA-256 digests and never written anywhere; problems name the key only by its configured name.
/// </summary>
public sealed class ApiKeyRequirement(bool mutating) : IEndpointFilter
{
    /// <summary>Where the matched key's configured name is left for the endpoint (e.g. to record who stored a definition).</summary>
    public const string CallerItem = "SagaWorkflow.ApiKeyName";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue;
        if (!mutating && !options.ReadsRequireKey)
            return await next(context);

        var presented = PresentedKey(http.Request);
        if (presented is null)
            return Unauthorized(http, options.Keys.Count == 0
                ? "This endpoint needs an API key and none is configured: set Api__Keys__0__Name, Api__Keys__0__Key and Api__Keys__0__Role (admin or read)."
                : "This endpoint needs an API key: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
        var key = Match(options.Keys, presented);
        if (key is null)
            return Unauthorized(http, "The API key is not valid.");
        http.Items[CallerItem] = key.Name;
        if (mutating && !string.Equals(key.Role, ApiKeyRoles.Admin, StringComparison.OrdinalIgnoreCase))
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "Forbidden",
                $"API key '{key.Name}' has role '{key.Role}'; this endpoint changes state and needs an '{ApiKeyRoles.Admin}' key.");
        return await next(context);
    }

    private static IResult Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Create(StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    private static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var header) && !string.IsNullOrWhiteSpace(header))
            return header.ToString().Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    private static ApiKeyOptions? Match(IEnumerable<ApiKeyOptions> keys, string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiKeyOptions? found = null;
        // Every configured key is compared, so the time taken does not reveal which one nearly matched.
        foreach (var key in keys.Where(k => k.Key.Length > 0))
        {
            if (CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(key.Key))))
                found = key;
        }

        return found;
    }
}
