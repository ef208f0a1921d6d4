using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace SagaWorkflow.Orchestrator.Metrics;

/// <summary>
/// Collects System.Diagnostics.Metrics instruments in process (ours and MassTransit's) and renders them in the
/// Prometheus text exposition format (version 0.0.4). The registry has no exporter package, so this is our own:
/// counters and up-down counters are summed per label set, histograms kept as cumulative buckets, observable
/// instruments read at scrape time. It must exist before measurements happen (a listener sees nothing retroactively),
/// so it is created when the endpoint is mapped.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly double[] MillisecondBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000];
    private static readonly double[] SecondBuckets = MillisecondBuckets.Select(b => b / 1000).ToArray();
    private static readonly double[] CountBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    private readonly MeterListener _listener = new();
    private readonly Func<Instrument, bool> _include;
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();
    private readonly Lock _scrape = new();

    /// <param name="include">Which instruments to export (ours, and MassTransit's meter).</param>
    public PrometheusExporter(Func<Instrument, bool> include)
    {
        _include = include;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_include(instrument))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Reads observable instruments, then writes every series, grouped per metric with HELP and TYPE lines.</summary>
    public string Scrape()
    {
        lock (_scrape)
        {
            // Observable values are a reading of now: drop the previous reading so a label that vanished is not repeated.
            foreach (var key in _series.Keys.Where(k => IsObservable(k.Instrument)))
                _series.TryRemove(key, out _);
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var metric in _series.GroupBy(s => s.Key.Instrument).Select(g => (Instrument: g.Key, Series: g.ToList()))
                         .GroupBy(m => MetricName(m.Instrument)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                // Two instruments may map to one name (same meter name created twice): the first one's kind wins, others merge.
                var first = metric.First().Instrument;
                var type = TypeOf(first);
                text.Append("# HELP ").Append(metric.Key).Append(' ').Append(EscapeHelp(first.Description ?? first.Name)).Append('\n');
                text.Append("# TYPE ").Append(metric.Key).Append(' ').Append(type).Append('\n');
                foreach (var (labels, series) in metric.SelectMany(m => m.Series).Where(s => TypeOf(s.Key.Instrument) == type)
                             .GroupBy(s => s.Key.Labels).Select(g => (g.Key, Merge(g.Select(s => s.Value)))).OrderBy(s => s.Key, StringComparer.Ordinal))
                    series.Write(text, metric.Key, labels);
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        var series = _series.GetOrAdd((instrument, Labels(tags)), static key => NewSeries(key.Instrument));
        series.Add(number);
    }

    private static Series NewSeries(Instrument instrument) => instrument switch
    {
        _ when TypeOf(instrument) == "histogram" =>
            new HistogramSeries(instrument.Unit switch
            {
                "s" => SecondBuckets,
                ['{', ..] => CountBuckets, // a count such as {message}
                _ => MillisecondBuckets,
            }),
        // Observable gauges report a level, observable counters their running total: both are a reading, not an increment.
        _ when IsObservable(instrument) => new GaugeSeries(),
        _ => new SumSeries(),
    };

    private static bool IsObservable(Instrument instrument) => instrument.IsObservable;

    private static string TypeOf(Instrument instrument)
    {
        var type = instrument.GetType();
        var kind = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return kind == typeof(Histogram<>) ? "histogram"
            : kind == typeof(Counter<>) || kind == typeof(ObservableCounter<>) ? "counter"
            : "gauge"; // up-down counters and gauges can go down
    }

    /// <summary>OpenTelemetry-style names to Prometheus ones: dots to underscores, unit and <c>_total</c> suffixes.</summary>
    public static string MetricName(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        var unit = instrument.Unit switch { "ms" => "milliseconds", "s" => "seconds", "By" => "bytes", _ => null };
        if (unit is not null && !name.EndsWith("_" + unit, StringComparison.Ordinal))
            name += "_" + unit;
        if (TypeOf(instrument) == "counter" && !name.EndsWith("_total", StringComparison.Ordinal))
            name += "_total";
        return name;
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select((c, i) => char.IsAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && char.IsAsciiDigit(c)) ? c : '_').ToArray();
        return new string(chars);
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
            return "";
        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
            pairs.Add($"{Sanitize(tag.Key)}=\"{EscapeLabel(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")}\"");
        pairs.Sort(StringComparer.Ordinal);
        return string.Join(",", pairs);
    }

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static Series Merge(IEnumerable<Series> series)
    {
        var all = series.ToList();
        return all.Count == 1 ? all[0] : all.Skip(1).Aggregate(all[0].Copy(), (sum, next) => sum.MergeWith(next));
    }

    private abstract class Series
    {
        public abstract void Add(double value);
        public abstract void Write(StringBuilder text, string name, string labels);
        public abstract Series Copy();
        public abstract Series MergeWith(Series other);

        protected static void Sample(StringBuilder text, string name, string labels, double value) =>
            text.Append(name).Append(labels.Length > 0 ? "{" + labels + "}" : "").Append(' ').Append(Format(value)).Append('\n');
    }

    private sealed class SumSeries : Series
    {
        private double _sum;
        private readonly Lock _lock = new();

        public override void Add(double value)
        {
            lock (_lock)
                _sum += value;
        }

        public override void Write(StringBuilder text, string name, string labels) => Sample(text, name, labels, _sum);
        public override Series Copy() { var copy = new SumSeries(); copy.Add(_sum); return copy; }
        public override Series MergeWith(Series other) { Add(((SumSeries)other)._sum); return this; }
    }

    private sealed class GaugeSeries : Series
    {
        private double _value;

        public override void Add(double value) => _value = value;
        public override void Write(StringBuilder text, string name, string labels) => Sample(text, name, labels, _value);
        public override Series Copy() => new GaugeSeries { _value = _value };
        public override Series MergeWith(Series other) { _value += ((GaugeSeries)other)._value; return this; }
    }

    private sealed class HistogramSeries(double[] bounds) : Series
    {
        private readonly long[] _counts = new long[bounds.Length + 1];
        private double _sum;
        private long _count;
        private readonly Lock _lock = new();

        public override void Add(double value)
        {
            var bucket = Array.FindIndex(bounds, b => value <= b);
            lock (_lock)
            {
                _counts[bucket < 0 ? bounds.Length : bucket]++;
                _sum += value;
                _count++;
            }
        }

        public override void Write(StringBuilder text, string name, string labels)
        {
            lock (_lock)
            {
                var prefix = labels.Length > 0 ? labels + "," : "";
                long cumulative = 0;
                for (var i = 0; i < bounds.Length; i++)
                {
                    cumulative += _counts[i];
                    Sample(text, name + "_bucket", $"{prefix}le=\"{Format(bounds[i])}\"", cumulative);
                }

                Sample(text, name + "_bucket", $"{prefix}le=\"+Inf\"", _count);
                Sample(text, name + "_sum", labels, _sum);
                Sample(text, name + "_count", labels, _count);
            }
        }

        public override Series Copy()
        {
            var copy = new HistogramSeries(bounds);
            copy.MergeWith(this);
            return copy;
        }

        public override Series MergeWith(Series other)
        {
            var histogram = (HistogramSeries)other;
            lock (_lock)
            {
                for (var i = 0; i < _counts.Length; i++)
                    _counts[i] += histogram._counts[i];
                _sum += histogram._sum;
                _count += histogram._count;
            }

            return this;
        }
    }
}
