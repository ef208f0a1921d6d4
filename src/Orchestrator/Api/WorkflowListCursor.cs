using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// Keyset position in the newest-first workflow list: the (created_at, id) of the last row served. Pages continue
/// strictly below it, so workflows created meanwhile (always newer) neither shift nor repeat the following pages.
/// Opaque to clients (base64url), and a cursor that does not decode is a 400 that says so.
/// </summary>
public sealed record WorkflowListCursor(DateTime CreatedAt, Guid Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{CreatedAt.Ticks.ToString(CultureInfo.InvariantCulture)}:{Id:N}"));

    public static bool TryDecode(string text, out WorkflowListCursor? cursor)
    {
        cursor = null;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':');
            if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks || !Guid.TryParseExact(parts[1], "N", out var id))
                return false;
            cursor = new WorkflowListCursor(new DateTime(ticks, DateTimeKind.Utc), id);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
