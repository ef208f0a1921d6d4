using System.Data.Common;
using System.Text.RegularExpressions;

namespace SagaWorkflow.Persistence;

/// <summary>
/// Keeps a connection string's password out of text meant for people: error lines, log lines, the <c>/ready</c> body.
/// Messages are built from the server, database and user only (<see cref="DatabaseFailures.Where"/>); this is the
/// second line of defence for text that comes from a driver, which we do not control.
/// </summary>
public static partial class ConnectionStringSecrets
{
    public const string Mask = "***";

    // Shorter passwords are not replaced wherever they occur: a password "ab" would blank out every "ab" of the message.
    // Such a password is no protection anyway; the "Password=..." form is still masked below.
    private const int ShortestReplaced = 4;

    /// <summary>
    /// <paramref name="text"/> with the password of <paramref name="connectionString"/> masked wherever it occurs, and
    /// any <c>Password=...</c> / <c>Pwd=...</c> assignment masked whatever its value.
    /// </summary>
    public static string Redact(string text, string? connectionString)
    {
        foreach (var secret in Passwords(connectionString))
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return PasswordAssignment().Replace(text, m => m.Groups["key"].Value + Mask);
    }

    private static List<string> Passwords(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
            return [];
        DbConnectionStringBuilder parsed;
        try
        {
            parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            // Unparseable: the assignment pattern still masks what follows "Password=".
            return [];
        }

        return parsed.Keys.Cast<string>()
            .Where(k => k.Equals("password", StringComparison.OrdinalIgnoreCase) || k.Equals("pwd", StringComparison.OrdinalIgnoreCase))
            .Select(k => Convert.ToString(parsed[k], System.Globalization.CultureInfo.InvariantCulture) ?? "")
            .Where(p => p.Length >= ShortestReplaced)
            .ToList();
    }

    [GeneratedRegex("""(?<key>\b(?:password|pwd)\s*=\s*)(?:"[^"]*"|'[^']*'|[^;"']*)""", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordAssignment();
}
