using Microsoft.Extensions.Options;

namespace SagaWorkflow.Persistence;

/// <summary>
/// Checks the <c>Database</c> section at start, naming the key and what is wrong with it: the provider, a connection
/// string its driver can read, and (MySQL) the server version.
/// </summary>
public sealed class PersistenceOptionsValidator : IValidateOptions<PersistenceOptions>
{
    private const string Key = PersistenceOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, PersistenceOptions options)
    {
        if (!Enum.IsDefined(options.Provider))
            return ValidateOptionsResult.Fail($"{Key}Provider must be Sqlite, MySql or Postgres, not '{options.Provider}'");
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            return ValidateOptionsResult.Fail($"{Key}ConnectionString must not be empty");
        if (options.StartupTimeout < TimeSpan.Zero)
            return ValidateOptionsResult.Fail($"{Key}StartupTimeout must not be negative, not '{options.StartupTimeout}'");
        if (ConnectionStringProblem(options) is { } problem)
            return ValidateOptionsResult.Fail($"{Key}ConnectionString is not a {options.Provider} connection string: {problem}");
        if (ConnectionBudget.Problem(options) is { } budget)
            return ValidateOptionsResult.Fail(budget);
        if (!string.IsNullOrWhiteSpace(options.ServerVersion))
        {
            if (options.Provider != DatabaseProvider.MySql)
                return ValidateOptionsResult.Fail($"{Key}ServerVersion is read for MySql only; remove it for {options.Provider}");
            if (!Microsoft.EntityFrameworkCore.ServerVersion.TryParse(options.ServerVersion, out _))
                return ValidateOptionsResult.Fail(
                    $"{Key}ServerVersion '{options.ServerVersion}' is not a server version such as 8.0.36-mysql or 10.11.19-mariadb (or leave it empty to ask the server)");
        }

        return ValidateOptionsResult.Success;
    }

    private static string? ConnectionStringProblem(PersistenceOptions options)
    {
        try
        {
            return options.Provider switch
            {
                DatabaseProvider.MySql => MySqlWorkflowDbContext.ConnectionStringProblem(options.ConnectionString),
                DatabaseProvider.Postgres => PostgresWorkflowDbContext.ConnectionStringProblem(options.ConnectionString),
                _ => SqliteWorkflowDbContext.ConnectionStringProblem(options.ConnectionString),
            };
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException)
        {
            // A password holding an unquoted ';' is read as further keys, which the driver may name: mask it.
            return ConnectionStringSecrets.Redact(exception.Message, options.ConnectionString);
        }
    }
}
