using SagaWorkflow.Persistence;

namespace SagaWorkflow.Tests.Security;

/// <summary>Text that reaches people (errors, logs, /ready) never carries the database password.</summary>
public sealed class When_masking_database_passwords
{
    private const string Secret = "Pa55-zebra-7731";

    [Theory]
    [InlineData("Server=db;User ID=saga;Password=" + Secret + ";Database=saga")]
    [InlineData("Host=db;Username=saga;PWD=" + Secret + ";Database=saga")]
    [InlineData("Host=db;Username=saga;Password=\"" + Secret + "\";Database=saga")]
    public void The_configured_password_is_masked_wherever_a_driver_message_quotes_it(string connectionString)
    {
        var redacted = ConnectionStringSecrets.Redact($"login failed for '{Secret}' on db (retrying with {Secret})", connectionString);

        Assert.DoesNotContain(Secret, redacted, StringComparison.Ordinal);
        Assert.Equal("login failed for '***' on db (retrying with ***)", redacted);
    }

    [Theory]
    [InlineData("connection string was Server=db;Password=" + Secret + ";Database=saga", "connection string was Server=db;Password=***;Database=saga")]
    [InlineData("pwd = '" + Secret + "' rejected", "pwd = *** rejected")]
    public void A_password_assignment_is_masked_even_when_it_is_not_the_configured_password(string text, string expected) =>
        Assert.Equal(expected, ConnectionStringSecrets.Redact(text, "Data Source=local.db"));

    [Fact]
    public void Text_without_secrets_is_left_as_it_is()
    {
        const string text = "Access denied for user 'saga'@'10.0.0.5' (using password: YES)";

        Assert.Equal(text, ConnectionStringSecrets.Redact(text, "Server=db;User ID=saga;Password=" + Secret));
    }
}
