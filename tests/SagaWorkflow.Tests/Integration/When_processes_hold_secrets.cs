using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// Passwords and API keys never leave a process in its output (every log line at Debug, stderr) or in what it serves
/// without a key (<c>/ready</c>): not when a password is refused, not while serving, not while the database is away.
/// </summary>
public sealed class When_processes_hold_secrets(ITestOutputHelper output)
{
    private const string WrongPassword = "Zebra-wrong-password-4417";
    private const string AdminKey = "Zebra-admin-key-0123456789";
    private const string ReadKey = "Zebra-read-key-0123456789";
    private const string GuessedKey = "Zebra-guessed-key-0123456789";

    [IntegrationTheory, Stores]
    public async Task A_refused_database_password_is_in_no_line_of_the_output(Store store)
    {
        await using var environment = await IntegrationEnvironment.CreateAsync(store);
        var settings = Verbose(environment.ProcessSettings());
        settings["Database__ConnectionString"] = environment.ConnectionStringWith(password: WrongPassword);

        await using var orchestrator = ServiceProcess.LaunchOrchestrator("orchestrator", settings, output);

        Assert.Equal(69, await orchestrator.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("error: Database:ConnectionString: cannot use the", orchestrator.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Zebra", orchestrator.Output, StringComparison.Ordinal);
    }

    [IntegrationTheory, Stores]
    public async Task A_refused_broker_password_is_in_no_line_of_the_output(Store store)
    {
        await using var environment = await IntegrationEnvironment.CreateAsync(store);
        var settings = Verbose(environment.ProcessSettings());
        settings["RabbitMq__Uri"] = new UriBuilder(environment.RabbitMqUri) { Password = WrongPassword }.Uri.ToString();

        await using var executor = ServiceProcess.LaunchExecutor("executor", settings, "noop", output);
        // The broker's refusal is logged, and retried: the process keeps running until the test ends it.
        await Eventually.WaitUntilAsync(() => Task.FromResult(executor.Output.Contains("ACCESS_REFUSED", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), () => Task.FromResult("the executor never logged the refusal:\n" + executor.Output));

        Assert.DoesNotContain("Zebra", executor.Output, StringComparison.Ordinal);
    }

    [IntegrationTheory, Stores]
    public async Task Neither_passwords_nor_api_keys_appear_while_serving_refusing_keys_and_reporting_the_database_away(Store store)
    {
        await using var cluster = await TestCluster.StartAsync(store, output, c => c.Settings(s => Verbose(s))
            .Setting("Api__Keys__0__Name", "ops").Setting("Api__Keys__0__Key", AdminKey)
            .Setting("Api__Keys__1__Name", "dashboard").Setting("Api__Keys__1__Key", ReadKey).Setting("Api__Keys__1__Role", "read")
            .Orchestrator());
        var (environment, orchestrator) = (cluster.Environment, cluster["orchestrator"]);
        using var client = new HttpClient { BaseAddress = await orchestrator.ApiUrlAsync() };

        var submit = new { definition = new { name = "secrets", nodes = new[] { new { id = "a", capability = "noop" } } } };
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(client, GuessedKey, submit));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(client, ReadKey, submit));
        Assert.Equal(HttpStatusCode.Accepted, await PostAsync(client, AdminKey, submit));
        var readyBodies = new List<string>();
        await environment.SetDatabaseReachableAsync(false);
        try
        {
            await Eventually.WaitUntilAsync(async () =>
            {
                using var ready = await client.GetAsync("/ready");
                readyBodies.Add(await ready.Content.ReadAsStringAsync());
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
            }, TimeSpan.FromSeconds(60), () => Task.FromResult("/ready never reported the database away: " + readyBodies.LastOrDefault()));
        }
        finally
        {
            await environment.SetDatabaseReachableAsync(true);
        }

        Assert.Contains("\"database\"", readyBodies[^1], StringComparison.Ordinal);
        string[] secrets = [Password(environment.ConnectionString), new Uri(environment.RabbitMqUri).UserInfo.Split(':')[1], AdminKey, ReadKey, GuessedKey];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, orchestrator.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, string.Join("\n", readyBodies), StringComparison.Ordinal);
        }
    }

    // Debug is where drivers and frameworks say the most about connections and requests.
    private static Dictionary<string, string> Verbose(Dictionary<string, string> settings)
    {
        settings["Logging__LogLevel__Default"] = "Debug";
        settings["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Debug";
        return settings;
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/workflows") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static string Password(string connectionString)
    {
        var password = (string)new DbConnectionStringBuilder { ConnectionString = connectionString }["password"];
        // A short password could appear in the output by chance; the run's generated one is long and random.
        Assert.True(password.Length >= 12, "the test database's password is too short to search the output for");
        return password;
    }
}
