using System.Diagnostics;

namespace SagaWorkflow.Tests.Integration.Cluster;

/// <summary>
/// The three-node RabbitMQ cluster scripts/rabbit-cluster.sh runs (scripts/test.sh starts it and exports where it is),
/// and its nodes stopped and started as a broker crash and an operator would.
/// </summary>
public static class BrokerCluster
{
    private static readonly string? Uri = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER");
    private static readonly string? Management = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER_MANAGEMENT");
    private static readonly string? Nodes = Environment.GetEnvironmentVariable("SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER_NODES");

    public static bool Available => Uri is not null && Management is not null && Nodes is not null && IntegrationEnvironment.Available;

    public static IntegrationEnvironment.Broker Broker => new(Uri!, Management!, Nodes);

    /// <summary>The number of a node name as the script takes it: <c>sw-c2@localhost</c> is 2.</summary>
    public static int NumberOf(string node) => node["sw-c".Length] - '0';

    public static Task StopNodeAsync(int node) => RunAsync("stop-node", node);

    public static Task StartNodeAsync(int node) => RunAsync("start-node", node);

    private static async Task RunAsync(string action, int node)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "scripts", "rabbit-cluster.sh"), action, node.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"rabbit-cluster.sh {action} {node} failed: {await errors}");
    }
}

/// <summary>A test on the three-node cluster; skipped with the reason when scripts/test.sh did not start one.</summary>
public sealed class ClusterTheoryAttribute : TheoryAttribute
{
    public ClusterTheoryAttribute()
    {
        if (!BrokerCluster.Available)
            Skip = "needs the three-node RabbitMQ cluster: run scripts/test.sh (SAGAWORKFLOW_TEST_RABBITMQ_CLUSTER* are not set)";
    }
}
