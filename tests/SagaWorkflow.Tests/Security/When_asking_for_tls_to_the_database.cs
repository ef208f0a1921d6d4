using MySqlConnector;
using Npgsql;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Tests.Security;

/// <summary>
/// TLS to the database is the driver's, turned on in the connection string (docs/security.md). Without certificates
/// this checks the settings the document gives are the ones each driver reads, and that a misspelt one fails at start.
/// </summary>
public sealed class When_asking_for_tls_to_the_database
{
    private const string MySql = "Server=db;Database=saga;User ID=saga;Password=x;SslMode=VerifyFull;SslCa=/etc/sagaworkflow/db-ca.pem";
    private const string Postgres = "Host=db;Database=saga;Username=saga;Password=x;SSL Mode=VerifyFull;Root Certificate=/etc/sagaworkflow/db-ca.pem";

    private static string? Problem(DatabaseProvider provider, string connectionString) =>
        new PersistenceOptionsValidator().Validate(null, new PersistenceOptions { Provider = provider, ConnectionString = connectionString }).FailureMessage;

    [Fact]
    public void The_documented_mysql_settings_are_accepted_and_read_as_verify_full()
    {
        Assert.Null(Problem(DatabaseProvider.MySql, MySql));
        var read = new MySqlConnectionStringBuilder(MySql);

        Assert.Equal(MySqlSslMode.VerifyFull, read.SslMode);
        Assert.Equal("/etc/sagaworkflow/db-ca.pem", read.SslCa);
    }

    [Fact]
    public void The_documented_postgres_settings_are_accepted_and_survive_the_added_auto_prepare()
    {
        Assert.Null(Problem(DatabaseProvider.Postgres, Postgres));
        // The one place the project rewrites a connection string must keep what TLS needs.
        var read = new NpgsqlConnectionStringBuilder(PostgresWorkflowDbContext.WithAutoPrepare(Postgres));

        Assert.Equal(SslMode.VerifyFull, read.SslMode);
        Assert.Equal("/etc/sagaworkflow/db-ca.pem", read.RootCertificate);
    }

    [Theory]
    [InlineData(DatabaseProvider.MySql, "Server=db;Database=saga;SslMode=Verify-Full")]
    [InlineData(DatabaseProvider.Postgres, "Host=db;Database=saga;SSL Mode=VerifyEverything")]
    [InlineData(DatabaseProvider.Postgres, "Host=db;Database=saga;SSLMod=Require")]
    public void A_misspelt_tls_setting_stops_the_start_naming_the_key(DatabaseProvider provider, string connectionString) =>
        Assert.StartsWith($"Database:ConnectionString is not a {provider} connection string", Problem(provider, connectionString), StringComparison.Ordinal);
}
