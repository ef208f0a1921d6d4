using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace SagaWorkflow.Dashboard.Api;

/// <summary>
/// The operator's API key for this browser session: an HttpOnly, SameSite=Strict session cookie limited to <c>/ui</c>,
/// encrypted with ASP.NET Data Protection so the key is never readable from the browser or its disk cache. A cookie that
/// no longer decrypts (key ring rotated, another host's) reads as no key.
/// </summary>
public sealed class KeyCookie(IDataProtectionProvider protection)
{
    public const string Name = "sagaworkflow-ui-key";

    private readonly IDataProtector _protector = protection.CreateProtector("SagaWorkflow.Dashboard.ApiKey");

    public string Protect(string key) => _protector.Protect(key);

    public string? Unprotect(string? protectedKey)
    {
        if (string.IsNullOrEmpty(protectedKey))
            return null;
        try
        {
            return _protector.Unprotect(protectedKey);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The cookie as sent (still encrypted), to hand to an interactive component that reads it in its circuit.</summary>
    public static string? Raw(HttpContext http) => http.Request.Cookies[Name];

    public string? Read(HttpContext http) => Unprotect(Raw(http));

    public void Write(HttpContext http, string key) => http.Response.Cookies.Append(Name, Protect(key), Options(http));

    public static void Clear(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http));

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = DashboardHosting.PathBase,
        IsEssential = true,
    };
}
