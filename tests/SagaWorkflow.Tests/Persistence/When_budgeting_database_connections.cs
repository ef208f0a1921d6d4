using MySqlConnector;
using Npgsql;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Tests.Persistence;

/// <summary>
/// One process stays within Database:MaxConnections: the workflow, scheduler and outbox pools split it, each driver told its
/// share, so an operator's SQL client still gets a connection while an orchestrator runs flat out (issue 13).
/// </summary>
public sealed class When_budgeting_database_connections
{
    private static PersistenceOptions Options(DatabaseProvider provider, string connectionString, int? max = null) => new()
    {
        Provider = provider, ConnectionString = connectionString, MaxConnections = max ?? PersistenceOptions.DefaultMaxConnections,
    };

    [Theory]
    [InlineData(20, 13, 5, 2)]
    [InlineData(4, 1, 2, 1)]
    [InlineData(100, 73, 25, 2)]
    public void The_three_pools_of_a_mysql_orchestrator_add_up_to_the_budget(int max, int workflows, int scheduler, int outbox)
    {
        var options = Options(DatabaseProvider.MySql, "Server=db;User ID=saga;Password=secret;Database=saga", max);

        Assert.Equal(workflows, (int)new MySqlConnectionStringBuilder(ConnectionBudget.ForWorkflows(options)).MaximumPoolSize);
        Assert.Equal(scheduler, (int)new MySqlConnectionStringBuilder(ConnectionBudget.ForScheduler(options)).MaximumPoolSize);
        Assert.Equal(outbox, (int)new MySqlConnectionStringBuilder(ConnectionBudget.ForOutbox(options)).MaximumPoolSize);
    }

    [Fact]
    public void The_three_pools_of_a_postgres_orchestrator_add_up_to_the_default_budget_of_20()
    {
        var options = Options(DatabaseProvider.Postgres, "Host=db;Username=saga;Password=secret;Database=saga");

        var workflows = new NpgsqlConnectionStringBuilder(ConnectionBudget.ForWorkflows(options)).MaxPoolSize;
        var scheduler = new NpgsqlConnectionStringBuilder(ConnectionBudget.ForScheduler(options)).MaxPoolSize;
        var outbox = new NpgsqlConnectionStringBuilder(ConnectionBudget.ForOutbox(options)).MaxPoolSize;
        Assert.Equal(20, workflows + scheduler + outbox);
        Assert.Equal("secret", new NpgsqlConnectionStringBuilder(ConnectionBudget.ForWorkflows(options)).Password);
    }

    [Theory]
    [InlineData(DatabaseProvider.MySql, "Server=db;Database=saga;Maximum Pool Size=40")]
    [InlineData(DatabaseProvider.MySql, "Server=db;Database=saga;maxpoolsize=40")]
    [InlineData(DatabaseProvider.Postgres, "Host=db;Database=saga;Maximum Pool Size=40")]
    public void A_pool_size_in_the_connection_string_is_refused_naming_the_setting_to_use(DatabaseProvider provider, string connectionString)
    {
        var problem = new PersistenceOptionsValidator().Validate(null, Options(provider, connectionString)).FailureMessage;

        Assert.Contains("Database:ConnectionString sets a maximum pool size; set Database:MaxConnections instead", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(1001)]
    public void A_budget_outside_4_to_1000_is_refused(int max)
    {
        var problem = new PersistenceOptionsValidator().Validate(null, Options(DatabaseProvider.MySql, "Server=db;Database=saga", max)).FailureMessage;

        Assert.Equal($"Database:MaxConnections must be 4-1000, not {max}", problem);
    }

    [Fact]
    public void Sqlite_has_no_pool_to_budget()
    {
        var options = Options(DatabaseProvider.Sqlite, "Data Source=data/x.db", max: 1);

        Assert.Null(new PersistenceOptionsValidator().Validate(null, options).FailureMessage);
        Assert.Equal("Data Source=data/x.db", ConnectionBudget.ForWorkflows(options));
    }
}
