namespace SagaWorkflow.Tests.LocalMode;

/// <summary>Every SQLite query in docs/sql-cookbook.md runs against a database that real runs filled, so the cookbook stays true.</summary>
public sealed class SqlCookbookTests
{
    [Fact]
    public async Task Every_cookbook_query_runs_against_real_saga_state_in_sqlite()
    {
        using var run = new LocalRun();
        await run.RunAsync(RepositoryPaths.Example("diamond.json"));
        await run.RunAsync(RepositoryPaths.Example("failing.json"));

        var queries = SqlCookbook.QueriesFor("sqlite").ToDictionary(q => q.Title, q => q.Sql);

        Assert.True(queries.Count >= 11, $"expected the cookbook's queries, found {queries.Count}");
        foreach (var (title, sql) in queries)
        {
            var exception = Record.Exception(() => run.Query(sql));
            Assert.True(exception is null, $"{title}\n{sql}\nfailed: {exception?.Message}");
        }

        var byState = run.Query(queries["How many runs are in each state"]).ToDictionary(r => (string)r[0]!, r => (long)r[1]!);
        Assert.Equal(1L, byState["Completed"]);
        Assert.Equal(1L, byState["Failed"]);
        Assert.Equal(4, run.Query(queries["Every node of one run, in definition order"]).Count);
        Assert.Single(run.Query(queries["Why runs failed"]));
        Assert.Single(run.Query(queries["Failures in the last hour"]));
        Assert.Equal("hello", run.Query(queries["One field of the nodes' JSON input (find runs by what they were given)"]).Single()[2]);
        Assert.Contains(run.Query(queries["Slowest capabilities (execution time of succeeded nodes)"]), r => (string)r[0]! == "delay" && Convert.ToDouble(r[2], System.Globalization.CultureInfo.InvariantCulture) >= 250);
    }
}
