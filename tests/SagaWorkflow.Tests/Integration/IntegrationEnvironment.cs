using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// One test's own slice of the real services: a fresh RabbitMQ vhost and a fresh PostgreSQL database (named after
/// the run's, so scripts/test.sh removes leftovers), plus the settings that point processes at them.
/// </summary>
public sealed class IntegrationEnvironment : IAsyncDisposable
{
    private static readonly string? RabbitUri = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_RABBITMQ");
    private static readonly string? ManagementUri = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT");
    private static readonly string? PostgresConnection = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_POSTGRES");

    private readonly NpgsqlConnectionStringBuilder _adminDb;

    private IntegrationEnvironment(string suffix)
    {
        var rabbit = new Uri(RabbitUri!);
        VirtualHost = Uri.UnescapeDataString(rabbit.AbsolutePath[1..]) + "-" + suffix;
        _adminDb = new NpgsqlConnectionStringBuilder(PostgresConnection);
        Database = _adminDb.Database + "_" + suffix;
        var management = new Uri(ManagementUri!);
        Management = new HttpClient { BaseAddress = new Uri($"{management.Scheme}://{management.Host}:{management.Port}/") };
        Management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
        User = Uri.UnescapeDataString(management.UserInfo.Split(':')[0]);
        RabbitMqUri = $"{rabbit.Scheme}://{rabbit.UserInfo}@{rabbit.Host}:{rabbit.Port}/{Uri.EscapeDataString(VirtualHost)}";
        ConnectionString = new NpgsqlConnectionStringBuilder(PostgresConnection) { Database = Database }.ConnectionString;
    }

    public static bool Available => RabbitUri is not null && ManagementUri is not null && PostgresConnection is not null;

    public string VirtualHost { get; }
    public string Database { get; }
    public string User { get; }
    public string RabbitMqUri { get; }
    public string ConnectionString { get; }
    public HttpClient Management { get; }

    /// <summary>Environment of an orchestrator or executor process in distributed mode on this slice.</summary>
    public Dictionary<string, string> ProcessSettings() => new()
    {
        ["Transport__Kind"] = "RabbitMq",
        ["RabbitMq__Uri"] = RabbitMqUri,
        ["Database__Provider"] = "Postgres",
        ["Database__ConnectionString"] = ConnectionString,
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
        // Several orchestrators share this machine: each HTTP API takes a free loopback port (ServiceProcess.ApiUrl says which).
        ["Api__Urls"] = "http://127.0.0.1:0",
    };

    public static async Task<IntegrationEnvironment> CreateAsync()
    {
        var environment = new IntegrationEnvironment(Guid.NewGuid().ToString("N")[..8]);
        (await environment.Management.PutAsync($"api/vhosts/{Uri.EscapeDataString(environment.VirtualHost)}", null)).EnsureSuccessStatusCode();
        (await environment.Management.PutAsJsonAsync($"api/permissions/{Uri.EscapeDataString(environment.VirtualHost)}/{Uri.EscapeDataString(environment.User)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        await using var admin = new NpgsqlConnection(environment._adminDb.ConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{environment.Database}\"", admin);
        await create.ExecuteNonQueryAsync();
        return environment;
    }

    /// <summary>Publishes a raw AMQP message through the management API, as a non-.NET client would.</summary>
    public async Task PublishAsync(string exchange, string body, string? messageId = null, string contentType = "application/json")
    {
        var properties = new Dictionary<string, object> { ["content_type"] = contentType, ["delivery_mode"] = 2 };
        if (messageId is not null)
            properties["message_id"] = messageId;
        var response = await Management.PostAsJsonAsync($"api/exchanges/{Uri.EscapeDataString(VirtualHost)}/{exchange}/publish",
            new { properties, routing_key = "", payload = body, payload_encoding = "string" });
        response.EnsureSuccessStatusCode();
        var routed = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(routed.GetProperty("routed").GetBoolean(), $"message to {exchange} was not routed");
    }

    /// <summary>Queues of the vhost with their consumer and message counts, as the management UI shows them.</summary>
    public async Task<Dictionary<string, (int Consumers, int Messages)>> QueuesAsync()
    {
        var queues = await Management.GetFromJsonAsync<JsonElement>($"api/queues/{Uri.EscapeDataString(VirtualHost)}");
        return queues.EnumerateArray().ToDictionary(
            q => q.GetProperty("name").GetString()!,
            q => (q.TryGetProperty("consumers", out var c) ? c.GetInt32() : 0, q.TryGetProperty("messages", out var m) ? m.GetInt32() : 0));
    }

    /// <summary>Takes up to <paramref name="count"/> messages off a queue (for error-queue checks).</summary>
    public async Task<List<JsonElement>> GetMessagesAsync(string queue, int count)
    {
        var response = await Management.PostAsJsonAsync($"api/queues/{Uri.EscapeDataString(VirtualHost)}/{queue}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
    }

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
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

    public async Task<long> CountAsync(string sql) => Convert.ToInt64((await QueryAsync(sql))[0][0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Makes this slice's database refuse connections (and drops the open ones), or accept them again: from the
    /// processes' point of view the database is down, while the server keeps serving the other tests.
    /// </summary>
    public async Task SetDatabaseReachableAsync(bool reachable)
    {
        await using var admin = new NpgsqlConnection(_adminDb.ConnectionString);
        await admin.OpenAsync();
        await using var allow = new NpgsqlCommand($"ALTER DATABASE \"{Database}\" WITH ALLOW_CONNECTIONS {(reachable ? "true" : "false")}", admin);
        await allow.ExecuteNonQueryAsync();
        if (reachable)
            return;
        await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Database}'", admin);
        await terminate.ExecuteNonQueryAsync();
    }

    // FORCE ends the killed processes' sessions, but PostgreSQL refuses (42501) while a session the role may not end is
    // in the database (an autovacuum worker, unless scripts/test.sh granted pg_signal_backend); that passes in moments. Teardown only tidies up: scripts/test.sh drops
    // whatever a test leaves, so a database that will not go is reported and left, never a test failure.
    private async Task DropDatabaseAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var admin = new NpgsqlConnection(_adminDb.ConnectionString);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                if (attempt == 10)
                {
                    await Console.Error.WriteLineAsync($"database {Database} left for scripts/test.sh to drop: {e.MessageText}");
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Management.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(VirtualHost)}");
            NpgsqlConnection.ClearAllPools();
            await DropDatabaseAsync();
        }
        finally
        {
            Management.Dispose();
        }
    }
}
