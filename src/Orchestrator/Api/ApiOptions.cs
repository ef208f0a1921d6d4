namespace SagaWorkflow.Orchestrator.Api;

/// <summary>Settings of the orchestrator's HTTP API (section <c>Api</c>), served by <c>serve</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>False runs the orchestrator without any HTTP listener (e.g. several orchestrators on one host).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where to listen; loopback by default so nothing is exposed until an operator decides to.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Accepted keys. Mutating endpoints always require an <see cref="ApiKeyRoles.Admin"/> key; with no key configured
    /// they answer 401 (secure by default), reads stay open unless <see cref="ReadsRequireKey"/>.
    /// </summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>True makes every <c>/api</c> read require a key too (either role).</summary>
    public bool ReadsRequireKey { get; set; }

    /// <summary>Largest request body accepted; bigger bodies get 413 before they are read.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;
}

/// <summary>One API key: a name for logs and errors (the key itself is never logged), the secret, and its role.</summary>
public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    public string Role { get; set; } = ApiKeyRoles.Admin;
}

public static class ApiKeyRoles
{
    /// <summary>
    /// May read and change: every mutating endpoint (submit; cancel, pause, resume, retry; drain; definition PUT;
    /// schedule create, pause, resume, delete).
    /// </summary>
    public const string Admin = "admin";

    /// <summary>May only read.</summary>
    public const string Read = "read";
}
