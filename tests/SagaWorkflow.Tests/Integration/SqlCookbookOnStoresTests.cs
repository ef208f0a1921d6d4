using SagaWorkflow.Tests.LocalMode;

namespace SagaWorkflow.Tests.Integration;

/// <summary>Every MySQL and PostgreSQL query in docs/sql-cookbook.md runs against saga state that real runs wrote there.</summary>
public sealed class SqlCookbookOnStoresTests
{
    [IntegrationTheory, Stores]
    public async Task Every_cookbook_query_runs_against_real_saga_state(Store store)
    {
        await using var environment = await IntegrationEnvironment.CreateAsync(store);
        var settings = environment.DatabaseSettings();
        using var output = new StringWriter();
        await SagaWorkflow.Orchestrator.Cli.RunCommand.ExecuteAsync([RepositoryPaths.Example("diamond.json")], output, settings, CancellationToken.None);
        await SagaWorkflow.Orchestrator.Cli.RunCommand.ExecuteAsync([RepositoryPaths.Example("failing.json")], output, settings, CancellationToken.None);

        var queries = SqlCookbook.QueriesFor(store == Store.MySql ? "mysql" : "postgresql").ToDictionary(q => q.Title, q => q.Sql);

        Assert.True(queries.Count >= 20, $"expected the cookbook's queries, found {queries.Count}");
        foreach (var (title, sql) in queries)
        {
            var exception = await Record.ExceptionAsync(() => environment.QueryAsync(sql));
            Assert.True(exception is null, $"{title}\n{sql}\nfailed: {exception?.Message}\n{output}");
        }

        Assert.Equal(2, (await environment.QueryAsync(queries["How many runs are in each state"])).Count);
        Assert.Single(await environment.QueryAsync(queries["Failures in the last hour"]));
        Assert.Equal(4, (await environment.QueryAsync(queries["Every node of one run, in definition order"])).Count);
        Assert.Contains(await environment.QueryAsync(queries["Slowest capabilities (execution time of succeeded nodes)"]),
            r => (string)r[0]! == "delay" && Convert.ToDouble(r[2], System.Globalization.CultureInfo.InvariantCulture) >= 250);
        Assert.Equal("hello", (await environment.QueryAsync(queries["One field of the nodes' JSON input (find runs by what they were given)"])).Single()[2]);
    }
}
