using System.Net;
using System.Net.Sockets;

namespace SagaWorkflow.NodeExecution.BuiltIn;

/// <summary>
/// Decides whether the <c>http</c> executor may connect to an address. A workflow definition is data from whoever may
/// submit one; without this, a node could read the executor host's own services or the cloud metadata endpoint (and its
/// credentials) and hand the answer back as output. Checked on the resolved address of every connection, so a DNS name,
/// a redirect or a re-resolved name that points inside is refused like a literal address.
/// <para>
/// The most specific matching range decides (the longest prefix, as in a routing table); between equally specific ones a
/// configured <c>Deny</c> beats a configured <c>Allow</c>, which beats a built-in refusal; an address no range matches is
/// allowed. So <c>Allow 127.0.0.1/32</c> opens one loopback address, and <c>Allow 0.0.0.0/0</c> still leaves
/// 169.254.0.0/16 refused.
/// </para>
/// </summary>
public sealed class HttpTargetPolicy
{
    private const string AllowKey = HttpTargetOptions.Section + ":Allow";
    private const string DenyKey = HttpTargetOptions.Section + ":Deny";

    private static readonly Rule[] BuiltIn =
    [
        new(IPNetwork.Parse("127.0.0.0/8"), RuleKind.BuiltIn, "loopback"),
        new(IPNetwork.Parse("::1/128"), RuleKind.BuiltIn, "loopback"),
        new(IPNetwork.Parse("169.254.0.0/16"), RuleKind.BuiltIn, "link-local (cloud metadata services answer at 169.254.169.254)"),
        new(IPNetwork.Parse("fe80::/10"), RuleKind.BuiltIn, "link-local"),
        new(IPNetwork.Parse("0.0.0.0/8"), RuleKind.BuiltIn, "'this host' (connecting to 0.0.0.0 reaches the local machine)"),
        new(IPNetwork.Parse("::/128"), RuleKind.BuiltIn, "unspecified (connecting to :: reaches the local machine)"),
    ];

    private readonly List<Rule> _rules;

    /// <summary>Entries that do not parse are left out here; <see cref="Problems"/> reports them and start-up fails on them.</summary>
    public HttpTargetPolicy(HttpTargetOptions options)
    {
        _rules = [.. BuiltIn];
        _rules.AddRange(options.Allow.Select(Parse).OfType<IPNetwork>().Select(n => new Rule(n, RuleKind.Allow, AllowKey)));
        _rules.AddRange(options.Deny.Select(Parse).OfType<IPNetwork>().Select(n => new Rule(n, RuleKind.Deny, DenyKey)));
    }

    /// <summary>Loopback, link-local and unspecified refused; everything else allowed.</summary>
    public static HttpTargetPolicy Default { get; } = new(new HttpTargetOptions());

    /// <summary>Null if the executor may connect to <paramref name="address"/>; otherwise why not and which setting changes it.</summary>
    public string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var match = _rules.Where(r => r.Range.Contains(address))
            .OrderByDescending(r => r.Range.PrefixLength).ThenByDescending(r => r.Kind).FirstOrDefault();
        return match switch
        {
            null or { Kind: RuleKind.Allow } => null,
            { Kind: RuleKind.Deny } => $"is in {match.Range} of {DenyKey}; remove it there or add a narrower range to {AllowKey}",
            _ => $"is {match.Why} ({match.Range}), refused by default; to call it add the range or {Single(address)} to {AllowKey}",
        };
    }

    /// <summary>Every entry that is not a range or an address, each naming its key, for the start-up check.</summary>
    public static IEnumerable<string> Problems(HttpTargetOptions options) =>
        options.Allow.Select((entry, i) => (Key: $"{AllowKey}:{i}", Entry: entry))
            .Concat(options.Deny.Select((entry, i) => (Key: $"{DenyKey}:{i}", Entry: entry)))
            .Where(e => Parse(e.Entry) is null)
            .Select(e => $"{e.Key} is '{e.Entry}', not a CIDR range such as 10.0.0.0/8 or fd00::/8 (no bits set after the prefix) or a single address");

    private static IPNetwork? Parse(string entry)
    {
        entry = entry.Trim();
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && IPNetwork.TryParse(entry, out var network))
            return HasHostBits(IPAddress.Parse(entry[..slash]), network.PrefixLength) ? null : network;
        // IPAddress also reads "10" as 0.0.0.10: only the usual dotted or colon forms count as an address.
        var usual = entry.Contains('.', StringComparison.Ordinal) || entry.Contains(':', StringComparison.Ordinal);
        return usual && !entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address) ? Single(address) : null;
    }

    // 10.1.2.3/8 is more likely a typo than a way to write 10.0.0.0/8; IPNetwork quietly accepts it.
    private static bool HasHostBits(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefixLength; bit < bytes.Length * 8; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
                return true;
        }

        return false;
    }

    private static IPNetwork Single(IPAddress address) =>
        new(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);

    // Declared in the order that wins a tie between ranges of the same length: the last wins.
    private enum RuleKind
    {
        BuiltIn,
        Allow,
        Deny,
    }

    private sealed record Rule(IPNetwork Range, RuleKind Kind, string Why);
}
