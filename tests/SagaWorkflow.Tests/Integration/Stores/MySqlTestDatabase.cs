using MySqlConnector;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// A fresh MySQL (MariaDB) database and a user of its own for one test: MySQL has no per-database "allow connections",
/// so the database is made unreachable by locking that user and killing its sessions.
/// </summary>
public sealed class MySqlTestDatabase : TestDatabase
{
    public static readonly string? RunConnection = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_MYSQL");

    private readonly MySqlConnectionStringBuilder _admin;
    private readonly string _user;

    public MySqlTestDatabase(string suffix)
    {
        _admin = new MySqlConnectionStringBuilder(RunConnection!);
        Name = _admin.Database + "_" + suffix;
        _user = _admin.UserID + "_" + suffix;
        ConnectionString = new MySqlConnectionStringBuilder(RunConnection!) { Database = Name, UserID = _user }.ConnectionString;
    }

    public override string Provider => "MySql";
    public override string Name { get; }
    public override string ConnectionString { get; }

    public override string ConnectionStringWith(string? password = null, int? port = null) =>
        new MySqlConnectionStringBuilder(ConnectionString) { Password = password ?? _admin.Password, Port = (uint)(port ?? (int)_admin.Port) }.ConnectionString;

    public override async Task CreateAsync()
    {
        await AdminAsync($"CREATE DATABASE `{Name}`");
        await AdminAsync($"CREATE USER '{_user}'@'%' IDENTIFIED BY '{_admin.Password}'");
        await AdminAsync($"GRANT ALL PRIVILEGES ON `{Name}`.* TO '{_user}'@'%'");
    }

    public override async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        var rows = await ReadAllAsync(connection, sql);
        // DATETIME has no time zone; every time the project writes is UTC.
        foreach (var row in rows)
            for (var i = 0; i < row.Length; i++)
                if (row[i] is DateTime time)
                    row[i] = DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return rows;
    }

    public override async Task SetReachableAsync(bool reachable)
    {
        await AdminAsync($"ALTER USER '{_user}'@'%' ACCOUNT {(reachable ? "UNLOCK" : "LOCK")}");
        if (!reachable)
            await KillSessionsAsync();
        // The test's own pooled connections were ended too: the next query must not pick up a dead one.
        await MySqlConnection.ClearAllPoolsAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        try
        {
            await KillSessionsAsync();
            await AdminAsync($"DROP DATABASE IF EXISTS `{Name}`");
            await AdminAsync($"DROP USER IF EXISTS '{_user}'@'%'");
        }
        catch (MySqlException e)
        {
            // Teardown only tidies up: scripts/test.sh removes whatever a test leaves.
            await Console.Error.WriteLineAsync($"database {Name} left for scripts/test.sh to drop: {e.Message}");
        }
    }

    private async Task KillSessionsAsync()
    {
        await using var admin = new MySqlConnection(_admin.ConnectionString);
        await admin.OpenAsync();
        var ids = new List<ulong>();
        await using (var list = new MySqlCommand($"SELECT id FROM information_schema.processlist WHERE user = '{_user}'", admin))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                ids.Add(Convert.ToUInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (var id in ids)
        {
            try
            {
                await using var kill = new MySqlCommand($"KILL CONNECTION {id}", admin);
                await kill.ExecuteNonQueryAsync();
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.NoSuchThread)
            {
                // It ended by itself in between.
            }
        }
    }

    private async Task AdminAsync(string sql)
    {
        await using var admin = new MySqlConnection(_admin.ConnectionString);
        await admin.OpenAsync();
        await using var command = new MySqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }
}
