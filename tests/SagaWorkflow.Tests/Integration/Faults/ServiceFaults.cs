using System.Diagnostics;

namespace SagaWorkflow.Tests.Integration.Faults;

/// <summary>
/// Stops and starts the real services through scripts/fault.sh, as an operator's restart would. It hits the whole
/// server, not just this test's vhost or database: these tests run in their own collection, after every other test.
/// </summary>
public static class ServiceFaults
{
    public const string Broker = "rabbitmq";

    public static string DatabaseOf(Store store) => store == Store.MySql ? "mysql" : "postgres";

    /// <summary>Stops <paramref name="service"/>, keeps it down for <paramref name="downFor"/>, and starts it again.</summary>
    public static async Task RestartAsync(string service, TimeSpan downFor)
    {
        await RunAsync("stop", service);
        try
        {
            // The outage's length is the fault being tested, not a wait for something to happen.
            await Task.Delay(downFor);
        }
        finally
        {
            await RunAsync("start", service);
            // The test's own pooled connections died with the server; the processes under test must cope, the test
            // process's reads of the outcome need not.
            Npgsql.NpgsqlConnection.ClearAllPools();
            MySqlConnector.MySqlConnection.ClearAllPools();
        }
    }

    public static async Task RunAsync(string action, string service)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "scripts", "fault.sh"), action, service])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"scripts/fault.sh {action} {service} exited {process.ExitCode}: {await output}{await error}");
    }
}
