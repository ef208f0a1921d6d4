namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// One test's own database on one store, created by the run's user (scripts/test.sh) and named after the run's
/// database so the script removes what a killed test leaves. Queries come back with provider differences smoothed:
/// times as UTC <see cref="DateTime"/>s, flags as <see cref="bool"/>.
/// </summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public static TestDatabase For(Store store, string suffix) => store switch
    {
        Store.MySql => new MySqlTestDatabase(suffix),
        _ => new PostgresTestDatabase(suffix),
    };

    /// <summary>The value of <c>Database:Provider</c>.</summary>
    public abstract string Provider { get; }

    public abstract string Name { get; }

    /// <summary>What the processes connect with.</summary>
    public abstract string ConnectionString { get; }

    /// <summary>This database's connection string with another password or port (for tests of bad settings).</summary>
    public abstract string ConnectionStringWith(string? password = null, int? port = null);

    public abstract Task CreateAsync();

    public abstract Task<List<object?[]>> QueryAsync(string sql);

    /// <summary>
    /// Makes the database refuse this test's connections (and drops the open ones), or accept them again: from the
    /// processes' point of view the database is down, while the server keeps serving the other tests.
    /// </summary>
    public abstract Task SetReachableAsync(bool reachable);

    public abstract ValueTask DisposeAsync();

    /// <summary>Runs <paramref name="sql"/> on an open connection; every row, with DBNull as null.</summary>
    protected static async Task<List<object?[]>> ReadAllAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }

        return rows;
    }
}
