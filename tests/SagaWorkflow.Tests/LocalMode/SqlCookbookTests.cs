using System.Text.RegularExpressions;

namespace SagaWorkflow.Tests.LocalMode;

/// <summary>Every query in docs/sql-cookbook.md runs against a database that real runs filled, so the cookbook stays true.</summary>
public sealed partial class SqlCookbookTests
{
    [Fact]
    public async Task Every_cookbook_query_runs_against_real_saga_state()
    {
        using var run = new LocalRun();
        await run.RunAsync(RepositoryPaths.Example("diamond.json"));
        await run.RunAsync(RepositoryPaths.Example("failing.json"));

        var queries = SqlBlock().Matches(await File.ReadAllTextAsync(RepositoryPaths.Doc("sql-cookbook.md"))).Select(m => m.Groups[1].Value).ToList();

        Assert.True(queries.Count >= 6, $"expected the cookbook's queries, found {queries.Count}");
        foreach (var query in queries)
        {
            var exception = Record.Exception(() => run.Query(query));
            Assert.True(exception is null, $"{query}\nfailed: {exception?.Message}");
        }

        var byState = run.Query(queries[0]).ToDictionary(r => (string)r[0]!, r => (long)r[1]!);
        Assert.Equal(1L, byState["Completed"]);
        Assert.Equal(1L, byState["Failed"]);
        Assert.Equal(4, run.Query(queries[2]).Count);
        Assert.Single(run.Query(queries[4]));
    }

    [GeneratedRegex(@"```sql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();
}
