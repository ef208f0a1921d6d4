using System.Globalization;
using System.Text.RegularExpressions;

namespace SagaWorkflow.Tests.Api;

/// <summary>
/// Reads what tests need from a Prometheus text scrape: each metric's TYPE and each sample's name, labels and value.
/// The format itself is the exporter library's business (OpenTelemetry's Prometheus exporter), so this checks no more of
/// it than a line that is neither a comment nor a sample.
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
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            if (TypeLine().Match(line) is { Success: true } type)
                types[type.Groups["name"].Value] = type.Groups["type"].Value;
            if (line.StartsWith('#'))
                continue;
            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a sample: {line}");
            var labels = Label().Matches(sample.Groups["labels"].Value)
                .ToDictionary(l => l.Groups["name"].Value, l => Regex.Unescape(l.Groups["value"].Value));
            samples.Add(new Sample(sample.Groups["name"].Value, labels, sample.Groups["value"].Value == "+Inf" ? double.PositiveInfinity
                : double.Parse(sample.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }

        return new Scrape(types, samples);
    }

    [GeneratedRegex(@"^# TYPE (?<name>\S+) (?<type>\S+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( -?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>([^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
