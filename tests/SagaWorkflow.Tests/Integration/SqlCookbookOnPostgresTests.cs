using SagaWorkflow.Tests.LocalMode;

namespace SagaWorkflow.Tests.Integration;

/// <summary>Every PostgreSQL query in docs/sql-cookbook.md runs against saga state that real runs wrote to PostgreSQL.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class SqlCookbookOnPostgresTests
{
    [IntegrationTheory, Stores]
    public async Task Every_cookbook_query_runs_against_real_saga_state_in_postgresql(Store store)
    {
        await using var environment = await IntegrationEnvironment.CreateAsync(store);
        var settings = environment.DatabaseSettings();
        using var output = new StringWriter();
        await SagaWorkflow.Orchestrator.Cli.RunCommand.ExecuteAsync([RepositoryPaths.Example("diamond.json")], output, settings, CancellationToken.None);
        await SagaWorkflow.Orchestrator.Cli.RunCommand.ExecuteAsync([RepositoryPaths.Example("failing.json")], output, settings, CancellationToken.None);

        var queries = SqlCookbook.QueriesFor("postgresql").ToDictionary(q => q.Title, q => q.Sql);

        Assert.True(queries.Count >= 11, $"expected the cookbook's queries, found {queries.Count}");
        foreach (var (title, sql) in queries)
        {
            var exception = await Record.ExceptionAsync(() => environment.QueryAsync(sql));
            Assert.True(exception is null, $"{title}\n{sql}\nfailed: {exception?.Message}\n{output}");
        }

        Assert.Equal(2, (await environment.QueryAsync(queries["How many runs are in each state"])).Count);
        Assert.Single(await environment.QueryAsync(queries["Failures in the last hour"]));
        Assert.Equal(4, (await environment.QueryAsync(queries["Every node of one run, in definition order"])).Count);
    }
}
