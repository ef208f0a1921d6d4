using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SagaWorkflow.Contracts.Definitions;

/// <summary>
/// Reads durations as <c>"00:00:30"</c> (TimeSpan's constant format) or the short forms people type:
/// <c>"500ms"</c>, <c>"30s"</c>, <c>"5m"</c>, <c>"1h"</c>, <c>"7d"</c>. Writes the constant format.
/// </summary>
public sealed class FlexibleTimeSpanConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("a duration must be a string such as \"00:00:30\", \"500ms\", \"30s\", \"5m\" or \"1h\"");
        var text = reader.GetString()!.Trim();
        if (TryParse(text, out var value))
            return value;
        throw new JsonException($"'{text}' is not a duration; use \"00:00:30\", \"500ms\", \"30s\", \"5m\" or \"1h\"");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));

    /// <summary>Parses "30s", "250ms", "5m", "2h", "7d" (or a plain TimeSpan "00:00:30"), as definitions and the CLI accept them.</summary>
    public static bool TryParse(string text, out TimeSpan value) =>
        TryParseShort(text, out value) || TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);

    private static bool TryParseShort(string text, out TimeSpan value)
    {
        value = default;
        (string Suffix, Func<double, TimeSpan> Make)[] units =
            [("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours), ("d", TimeSpan.FromDays)];
        foreach (var (suffix, make) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                value = make(number);
                return true;
            }
        }

        return false;
    }
}
