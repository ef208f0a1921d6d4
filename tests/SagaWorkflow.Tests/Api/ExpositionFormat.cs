using System.Globalization;
using System.Text.RegularExpressions;

namespace SagaWorkflow.Tests.Api;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4), independent of the exporter: it fails on any line
/// that is not a HELP/TYPE comment or a well-formed sample, on a TYPE after its samples or twice, on a metric whose
/// samples are not contiguous, and on histograms whose buckets are not cumulative or whose +Inf bucket is not the count.
/// </summary>
public static partial class ExpositionFormat
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Scrape(IReadOnlyDictionary<string, string> Types, IReadOnlyList<Sample> Samples)
    {
        public IEnumerable<Sample> Of(string name) => Samples.Where(s => s.Name == name);
    }

    public static Scrape Parse(string text)
    {
        var types = new Dictionary<string, string>();
        var samples = new List<Sample>();
        var finished = new HashSet<string>();
        string? current = null;
        foreach (var (line, number) in text.Split('\n').Select((l, i) => (l, i + 1)))
        {
            if (line.Length == 0)
                continue;
            if (line.StartsWith('#'))
            {
                var comment = Comment().Match(line);
                if (!comment.Success)
                    continue; // a free comment is allowed
                var name = comment.Groups["name"].Value;
                if (comment.Groups["kind"].Value == "TYPE")
                {
                    Assert.True(types.TryAdd(name, comment.Groups["rest"].Value), $"line {number}: second TYPE for {name}");
                    Assert.Contains(types[name], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                    Assert.DoesNotContain(name, finished);
                }

                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"line {number} is not a sample: {line}");
            var metric = MetricOf(sample.Groups["name"].Value, types);
            if (metric != current)
            {
                Assert.True(current is null || finished.Add(current), $"line {number}: samples of {current} are not contiguous");
                Assert.DoesNotContain(metric, finished);
                current = metric;
            }

            var labels = new Dictionary<string, string>();
            foreach (Match label in Label().Matches(sample.Groups["labels"].Value))
                Assert.True(labels.TryAdd(label.Groups["name"].Value, Unescape(label.Groups["value"].Value)), $"line {number}: repeated label");
            samples.Add(new Sample(sample.Groups["name"].Value, labels, ParseValue(sample.Groups["value"].Value, number)));
        }

        foreach (var (name, type) in types.Where(t => t.Value == "histogram"))
            CheckHistogram(name, samples);
        return new Scrape(types, samples);
    }

    private static string MetricOf(string sampleName, Dictionary<string, string> types)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(sampleName[..^suffix.Length], out var type) && type == "histogram")
                return sampleName[..^suffix.Length];
        }

        return sampleName;
    }

    private static void CheckHistogram(string name, List<Sample> samples)
    {
        foreach (var series in samples.Where(s => s.Name == name + "_bucket")
                     .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}"))))
        {
            var buckets = series.Select(s => (Le: ParseValue(s.Labels["le"], 0), s.Value)).ToList();
            Assert.Equal(buckets.OrderBy(b => b.Le).ToList(), buckets);
            Assert.True(buckets.Zip(buckets.Skip(1)).All(p => p.First.Value <= p.Second.Value), $"{name} {series.Key}: buckets not cumulative");
            Assert.True(double.IsPositiveInfinity(buckets[^1].Le), $"{name} {series.Key}: no +Inf bucket");
            var count = samples.Single(s => s.Name == name + "_count"
                && string.Join(",", s.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")) == series.Key);
            Assert.Equal(count.Value, buckets[^1].Value);
        }
    }

    private static double ParseValue(string text, int line) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"line {line}: bad value '{text}'"),
    };

    private static string Unescape(string value) =>
        value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex(@"^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<rest>.*)$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*=""([^""\\\n]|\\[\\""n])*"",?)*)\})? (?<value>\S+)( -?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>([^""\\\n]|\\[\\""n])*)""")]
    private static partial Regex Label();
}
