namespace SagaWorkflow.Dashboard.Api;

/// <summary>What the API answered: the value, or the problem it gave (status, title and detail, as the API worded them).</summary>
public sealed record ApiAnswer<T>(T? Value, int Status, string? Problem)
{
    public bool Ok => Problem is null;

    /// <summary>401 or 403: a key (or an admin key) would help, so pages offer the key form beside the problem.</summary>
    public bool NeedsKey => Status is 401 or 403;
}
