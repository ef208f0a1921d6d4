using Npgsql;

namespace SagaWorkflow.Tests.Integration;

/// <summary>A fresh PostgreSQL database, owned by the run's role, for one test.</summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    public static readonly string? RunConnection = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_POSTGRES");

    private readonly NpgsqlConnectionStringBuilder _admin;

    public PostgresTestDatabase(string suffix)
    {
        _admin = new NpgsqlConnectionStringBuilder(RunConnection);
        Name = _admin.Database + "_" + suffix;
        ConnectionString = new NpgsqlConnectionStringBuilder(RunConnection) { Database = Name }.ConnectionString;
    }

    public override string Provider => "Postgres";
    public override string Name { get; }
    public override string ConnectionString { get; }

    public override string ConnectionStringWith(string? password = null, int? port = null) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Password = password ?? _admin.Password, Port = port ?? _admin.Port }.ConnectionString;

    public override async Task CreateAsync() => await AdminAsync($"CREATE DATABASE \"{Name}\"");

    public override async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return await ReadAllAsync(connection, sql);
    }

    public override async Task SetReachableAsync(bool reachable)
    {
        await AdminAsync($"ALTER DATABASE \"{Name}\" WITH ALLOW_CONNECTIONS {(reachable ? "true" : "false")}");
        if (!reachable)
            await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Name}'");
        // The test's own pooled connections were ended too: the next query must not pick up a dead one.
        NpgsqlConnection.ClearAllPools();
    }

    // FORCE ends the killed processes' sessions, but PostgreSQL refuses (42501) while a session the role may not end is
    // in the database (an autovacuum worker, unless scripts/test.sh granted pg_signal_backend); that passes in moments.
    // Teardown only tidies up: scripts/test.sh drops whatever a test leaves, so a database that will not go is reported
    // and left, never a test failure.
    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AdminAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                if (attempt == 10)
                {
                    await Console.Error.WriteLineAsync($"database {Name} left for scripts/test.sh to drop: {e.MessageText}");
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    private async Task AdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(_admin.ConnectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }
}
