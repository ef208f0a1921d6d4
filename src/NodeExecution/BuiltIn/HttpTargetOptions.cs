namespace SagaWorkflow.NodeExecution.BuiltIn;

/// <summary>
/// Which addresses the <c>http</c> executor may connect to (section <c>Executor:Http</c>), as CIDR ranges
/// (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) or single addresses. Loopback, link-local (cloud metadata at 169.254.169.254)
/// and unspecified addresses are refused unless allowed here; see <see cref="HttpTargetPolicy"/> for how entries combine.
/// </summary>
public sealed class HttpTargetOptions
{
    public const string Section = "Executor:Http";

    /// <summary>Ranges the executor may call, carving exceptions out of <see cref="Deny"/> and the built-in refusals.</summary>
    public List<string> Allow { get; set; } = [];

    /// <summary>Ranges the executor must not call, in addition to the built-in ones.</summary>
    public List<string> Deny { get; set; } = [];
}
