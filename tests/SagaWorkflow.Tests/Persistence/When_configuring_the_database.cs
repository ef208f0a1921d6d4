using SagaWorkflow.Persistence;

namespace SagaWorkflow.Tests.Persistence;

/// <summary>The Database section is checked at start; each refusal names the key and what is wrong.</summary>
public sealed class When_configuring_the_database
{
    private static string? Problem(DatabaseProvider provider, string connectionString, string? serverVersion = null, TimeSpan? startupTimeout = null) =>
        new PersistenceOptionsValidator().Validate(null, new PersistenceOptions
        {
            Provider = provider, ConnectionString = connectionString, ServerVersion = serverVersion,
            StartupTimeout = startupTimeout ?? TimeSpan.FromSeconds(60),
        }).FailureMessage;

    [Theory]
    [InlineData(DatabaseProvider.MySql, "Server=127.0.0.1;User ID=saga;Password=x;Database=saga", null)]
    [InlineData(DatabaseProvider.MySql, "Server=db;Database=saga", "10.11.19-mariadb")]
    [InlineData(DatabaseProvider.MySql, "Server=db;Database=saga", "8.0.36-mysql")]
    [InlineData(DatabaseProvider.Postgres, "Host=127.0.0.1;Username=saga;Database=saga", null)]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=data/x.db", null)]
    public void A_usable_section_is_accepted(DatabaseProvider provider, string connectionString, string? serverVersion) =>
        Assert.Null(Problem(provider, connectionString, serverVersion));

    [Fact]
    public void A_mysql_connection_string_with_an_unknown_keyword_is_refused_naming_the_key_and_the_keyword()
    {
        var problem = Problem(DatabaseProvider.MySql, "Server=db;Database=saga;Colour=blue");

        Assert.StartsWith("Database:ConnectionString is not a MySql connection string: ", problem, StringComparison.Ordinal);
        Assert.Contains("colour", problem, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(DatabaseProvider.MySql, "User ID=saga;Database=saga", "it names no Server")]
    [InlineData(DatabaseProvider.MySql, "Server=db;User ID=saga", "it names no Database")]
    [InlineData(DatabaseProvider.Postgres, "Username=saga;Database=saga", "it names no Host")]
    public void A_connection_string_missing_where_to_connect_is_refused(DatabaseProvider provider, string connectionString, string missing) =>
        Assert.Equal($"Database:ConnectionString is not a {provider} connection string: {missing}", Problem(provider, connectionString));

    [Fact]
    public void A_server_version_that_does_not_parse_is_refused_with_examples() =>
        Assert.StartsWith("Database:ServerVersion 'latest' is not a server version such as 8.0.36-mysql or 10.11.19-mariadb",
            Problem(DatabaseProvider.MySql, "Server=db;Database=saga", "latest"), StringComparison.Ordinal);

    [Fact]
    public void A_server_version_for_another_provider_is_refused() =>
        Assert.Equal("Database:ServerVersion is read for MySql only; remove it for Postgres",
            Problem(DatabaseProvider.Postgres, "Host=db;Database=saga", "10.11.19-mariadb"));

    [Fact]
    public void A_negative_startup_timeout_is_refused() =>
        Assert.StartsWith("Database:StartupTimeout must not be negative",
            Problem(DatabaseProvider.MySql, "Server=db;Database=saga", startupTimeout: TimeSpan.FromSeconds(-1)), StringComparison.Ordinal);
}
