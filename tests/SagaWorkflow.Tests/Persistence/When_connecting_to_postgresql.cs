using Npgsql;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Tests.Persistence;

public sealed class When_connecting_to_postgresql
{
    private const string Given = "Host=127.0.0.1;Username=u;Password=p;Database=d";

    [Fact]
    public void Statements_are_prepared_automatically_unless_the_connection_string_says_otherwise()
    {
        var defaulted = new NpgsqlConnectionStringBuilder(PostgresWorkflowDbContext.WithAutoPrepare(Given));
        Assert.Equal(64, defaulted.MaxAutoPrepare);
        Assert.Equal("d", defaulted.Database);

        Assert.Equal(0, new NpgsqlConnectionStringBuilder(PostgresWorkflowDbContext.WithAutoPrepare(Given + ";Max Auto Prepare=0")).MaxAutoPrepare);
        Assert.Equal(10, new NpgsqlConnectionStringBuilder(PostgresWorkflowDbContext.WithAutoPrepare(Given + ";maxautoprepare=10")).MaxAutoPrepare);
    }
}
