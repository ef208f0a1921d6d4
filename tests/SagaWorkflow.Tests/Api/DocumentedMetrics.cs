using System.Text.RegularExpressions;

namespace SagaWorkflow.Tests.Api;

/// <summary>The metrics table of docs/api.md (name, type, labels), to hold a scrape to what operators are told.</summary>
public static partial class DocumentedMetrics
{
    public sealed record Metric(string Type, IReadOnlySet<string> Labels);

    public static IReadOnlyDictionary<string, Metric> Read()
    {
        var rows = File.ReadLines(RepositoryPaths.Doc("api.md")).Select(l => Row().Match(l)).Where(m => m.Success).ToList();
        Assert.NotEmpty(rows);
        return rows.ToDictionary(r => r.Groups["name"].Value, r => new Metric(r.Groups["type"].Value,
            // Backticked names outside parentheses: "`saga` (`WorkflowState`, ...)" lists label saga and two of its values.
            Backticked().Matches(Parenthesized().Replace(r.Groups["labels"].Value, "")).Select(m => m.Groups[1].Value).ToHashSet()));
    }

    /// <summary>
    /// Every <c>sagaworkflow_</c> metric in the scrape is in the table with the type and label names it lists, and each
    /// of <paramref name="mustAppear"/> (documented names) is in the scrape.
    /// </summary>
    public static void AssertExposedAsDocumented(ExpositionFormat.Scrape scrape, IEnumerable<string> mustAppear)
    {
        var documented = Read();
        var exposed = scrape.Types.Where(t => t.Key.StartsWith("sagaworkflow_", StringComparison.Ordinal)).ToList();
        foreach (var (name, type) in exposed)
        {
            Assert.True(documented.TryGetValue(name, out var doc), $"{name} is exposed but not listed in docs/api.md");
            Assert.Equal((name, doc.Type), (name, type));
            var labels = scrape.Samples.Where(s => FamilyOf(s.Name, scrape.Types) == name)
                .SelectMany(s => s.Labels.Keys).Where(l => l != "le").ToHashSet();
            Assert.Equal($"{name} {{{string.Join(",", doc.Labels.Order())}}}", $"{name} {{{string.Join(",", labels.Order())}}}");
        }

        foreach (var name in mustAppear)
        {
            Assert.True(documented.ContainsKey(name), $"{name} is not listed in docs/api.md");
            Assert.Contains(name, exposed.Select(e => e.Key));
        }
    }

    private static string FamilyOf(string sample, IReadOnlyDictionary<string, string> types) =>
        new[] { "_bucket", "_sum", "_count" }.Where(s => sample.EndsWith(s, StringComparison.Ordinal))
            .Select(s => sample[..^s.Length]).FirstOrDefault(f => types.GetValueOrDefault(f) == "histogram") ?? sample;

    [GeneratedRegex(@"^\| `(?<name>sagaworkflow_[a-z_]+)` \| (?<type>[a-z]+)[^|]* \| (?<labels>[^|]*) \|")]
    private static partial Regex Row();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Parenthesized();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}
