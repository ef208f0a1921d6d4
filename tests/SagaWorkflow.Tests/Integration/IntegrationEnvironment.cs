using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// One test's own slice of the real services: a fresh RabbitMQ vhost and a fresh database on one store, MySQL or
/// PostgreSQL (named after the run's, so scripts/test.sh removes leftovers), plus the settings that point processes at them.
/// </summary>
public sealed class IntegrationEnvironment : IAsyncDisposable
{
    private static readonly string? RabbitUri = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_RABBITMQ");
    private static readonly string? ManagementUri = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_RABBITMQ_MANAGEMENT");
    private readonly TestDatabase _database;

    private IntegrationEnvironment(Store store, string suffix, Broker broker)
    {
        Store = store;
        _database = TestDatabase.For(store, suffix);
        var rabbit = new Uri(broker.Uri);
        VirtualHost = Uri.UnescapeDataString(rabbit.AbsolutePath[1..]) + "-" + suffix;
        BrokerNodes = broker.Nodes;
        var management = new Uri(broker.Management);
        Management = new HttpClient { BaseAddress = new Uri($"{management.Scheme}://{management.Host}:{management.Port}/") };
        Management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
        User = Uri.UnescapeDataString(management.UserInfo.Split(':')[0]);
        RabbitMqUri = $"{rabbit.Scheme}://{rabbit.UserInfo}@{rabbit.Host}:{rabbit.Port}/{Uri.EscapeDataString(VirtualHost)}";
    }

    /// <summary>A broker for the slice's vhost: its AMQP URI (the path names the vhost prefix), management API, and cluster nodes.</summary>
    public sealed record Broker(string Uri, string Management, string? Nodes = null);

    /// <summary>The test broker scripts/test.sh started.</summary>
    public static Broker TestBroker => new(RabbitUri!, ManagementUri!);

    /// <summary>Set when the slice's broker is a cluster: its nodes, as <c>RabbitMq__Nodes</c> takes them.</summary>
    public string? BrokerNodes { get; }

    public static bool Available => RabbitUri is not null && ManagementUri is not null
        && PostgresTestDatabase.RunConnection is not null && MySqlTestDatabase.RunConnection is not null;

    public Store Store { get; }
    public string VirtualHost { get; }
    public string Database => _database.Name;
    public string User { get; }
    public string RabbitMqUri { get; }
    public string ConnectionString => _database.ConnectionString;
    public HttpClient Management { get; }

    /// <summary>This slice's connection string with another password or port (for tests of bad settings).</summary>
    public string ConnectionStringWith(string? password = null, int? port = null) => _database.ConnectionStringWith(password, port);

    /// <summary>The database settings alone, for commands run in the test process (run, schedule).</summary>
    public Dictionary<string, string?> DatabaseSettings() => new()
    {
        ["Database:Provider"] = _database.Provider,
        ["Database:ConnectionString"] = ConnectionString,
    };

    /// <summary>Environment of an orchestrator or executor process in distributed mode on this slice.</summary>
    public Dictionary<string, string> ProcessSettings()
    {
        var settings = BaseProcessSettings();
        if (BrokerNodes is not null)
            settings["RabbitMq__Nodes"] = BrokerNodes;
        return settings;
    }

    private Dictionary<string, string> BaseProcessSettings() => new()
    {
        ["Transport__Kind"] = "RabbitMq",
        ["RabbitMq__Uri"] = RabbitMqUri,
        ["Database__Provider"] = _database.Provider,
        ["Database__ConnectionString"] = ConnectionString,
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
        // Several orchestrators share this machine: each HTTP API takes a free loopback port (ServiceProcess.ApiUrl says which).
        ["Api__Urls"] = "http://127.0.0.1:0",
    };

    public static async Task<IntegrationEnvironment> CreateAsync(Store store, Broker? broker = null)
    {
        var environment = new IntegrationEnvironment(store, Guid.NewGuid().ToString("N")[..8], broker ?? TestBroker);
        (await environment.Management.PutAsync($"api/vhosts/{Uri.EscapeDataString(environment.VirtualHost)}", null)).EnsureSuccessStatusCode();
        (await environment.Management.PutAsJsonAsync($"api/permissions/{Uri.EscapeDataString(environment.VirtualHost)}/{Uri.EscapeDataString(environment.User)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        await environment._database.CreateAsync();
        return environment;
    }

    /// <summary>Publishes a raw AMQP message through the management API, as a non-.NET client would.</summary>
    public Task PublishAsync(string exchange, string body, string? messageId = null, string contentType = "application/json") =>
        PublishAsync(exchange, body, "string", messageId, contentType);

    /// <summary>Publishes raw bytes (any, not only text) through the management API.</summary>
    public Task PublishBytesAsync(string exchange, byte[] body, string? messageId, string contentType) =>
        PublishAsync(exchange, Convert.ToBase64String(body), "base64", messageId, contentType);

    private async Task PublishAsync(string exchange, string payload, string encoding, string? messageId, string contentType)
    {
        var properties = new Dictionary<string, object> { ["content_type"] = contentType, ["delivery_mode"] = 2 };
        if (messageId is not null)
            properties["message_id"] = messageId;
        var response = await Management.PostAsJsonAsync($"api/exchanges/{Uri.EscapeDataString(VirtualHost)}/{exchange}/publish",
            new { properties, routing_key = "", payload, payload_encoding = encoding });
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

    /// <summary>
    /// Every queue holding a message, with ready and unacknowledged counts and its consumers, for a stall's failure
    /// message: it tells a queue nobody consumes from work taken and never finished.
    /// </summary>
    public async Task<string> QueueReportAsync()
    {
        var queues = await Management.GetFromJsonAsync<JsonElement>($"api/queues/{Uri.EscapeDataString(VirtualHost)}");
        var busy = queues.EnumerateArray()
            .Where(q => Count(q, "messages") > 0)
            .Select(q => $"{q.GetProperty("name").GetString()}: {Count(q, "messages_ready")} ready, {Count(q, "messages_unacknowledged")} unacked, {Count(q, "consumers")} consumer(s)")
            .ToList();
        return busy.Count == 0 ? "every queue empty" : string.Join("; ", busy);

        static long Count(JsonElement queue, string name) => queue.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
    }

    /// <summary>Takes up to <paramref name="count"/> messages off a queue (for error-queue checks).</summary>
    public async Task<List<JsonElement>> GetMessagesAsync(string queue, int count)
    {
        var response = await Management.PostAsJsonAsync($"api/queues/{Uri.EscapeDataString(VirtualHost)}/{queue}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
    }

    public Task<List<object?[]>> QueryAsync(string sql) => _database.QueryAsync(sql);

    public async Task<long> CountAsync(string sql) => Convert.ToInt64((await QueryAsync(sql))[0][0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Makes this slice's database unreachable for the processes (or reachable again); see <see cref="TestDatabase.SetReachableAsync"/>.</summary>
    public Task SetDatabaseReachableAsync(bool reachable) => _database.SetReachableAsync(reachable);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Management.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(VirtualHost)}");
            await _database.DisposeAsync();
        }
        finally
        {
            Management.Dispose();
        }
    }
}
