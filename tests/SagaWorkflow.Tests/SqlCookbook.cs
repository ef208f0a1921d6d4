using System.Text.RegularExpressions;

namespace SagaWorkflow.Tests;

/// <summary>The queries of docs/sql-cookbook.md for one database: its portable blocks plus the ones marked for it.</summary>
public static partial class SqlCookbook
{
    public static IReadOnlyList<(string Title, string Sql)> QueriesFor(string database)
    {
        var text = File.ReadAllText(RepositoryPaths.Doc("sql-cookbook.md"));
        var queries = new List<(string, string)>();
        var title = "";
        foreach (Match match in Section().Matches(text))
        {
            if (match.Groups["title"].Success)
                title = match.Groups["title"].Value;
            else if (match.Groups["dialect"].Value is var dialect && (dialect.Length == 0 || dialect == database))
                queries.Add((title, match.Groups["sql"].Value));
        }

        return queries;
    }

    [GeneratedRegex(@"^## (?<title>[^\n]+)$|^```sql(?: (?<dialect>\w+))?\n(?<sql>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Section();
}
