using System.Text.RegularExpressions;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.NodeExecution.Runtime;
using static SagaWorkflow.Tests.Deployment.YamlDocuments;

namespace SagaWorkflow.Tests.Deployment;

/// <summary>
/// No Kubernetes cluster (nor KEDA) runs here, so deploy/kubernetes is read and checked against the code: the keys it
/// sets, where secrets come from, probes, drain grace periods, and autoscaling of every executor on its queues.
/// </summary>
public sealed partial class When_reading_the_kubernetes_manifests
{
    private static readonly string Directory = Path.Combine(RepositoryPaths.Root, "deploy", "kubernetes");

    private static readonly List<Dictionary<string, object?>> Resources = System.IO.Directory.GetFiles(Directory, "*.yaml")
        .Where(f => Path.GetFileName(f) != "kustomization.yaml").SelectMany(Read).ToList();

    private static readonly List<Dictionary<string, object?>> Deployments = Of("Deployment");

    // Executors have no HTTP; that is how they are told apart from the orchestrator here.
    private static readonly List<Dictionary<string, object?>> Executors =
        Deployments.Where(d => Text(Container(d), "image") == "sagaworkflow-executor").ToList();

    [Fact]
    public void Every_environment_key_maps_to_an_option_the_code_binds()
    {
        var configMap = Assert.Single(Of("ConfigMap"));
        var keys = Map(configMap["data"], "ConfigMap.data").Keys.Concat(Deployments.SelectMany(d => Env(d).Keys)).Distinct().ToList();

        Assert.True(keys.Count >= 10, $"expected the broker, database, API, executor and hosting keys; found {string.Join(", ", keys)}");
        foreach (var key in keys)
            BoundConfigurationKeys.AssertBound(key);
        // Every container takes the shared keys from that ConfigMap.
        Assert.All(Deployments, d => Assert.Equal(Text(configMap, "metadata", "name"),
            Text(List(Container(d)["envFrom"], "envFrom").Single(), "configMapRef", "name")));
    }

    [Fact]
    public void Passwords_connection_strings_and_keys_come_from_a_secret_never_from_the_files()
    {
        var secretKeys = Deployments.SelectMany(d => Env(d)).Where(e => SecretKey().IsMatch(e.Key)).ToList();

        Assert.True(secretKeys.Count >= 4, "expected the broker password, connection string and API key");
        Assert.All(secretKeys, e => Assert.True(At(e.Value, "valueFrom", "secretKeyRef", "key") is string, $"{e.Key} must come from a secretKeyRef"));
        Assert.DoesNotContain(Map(Assert.Single(Of("ConfigMap"))["data"], "data").Keys, k => SecretKey().IsMatch(k));
        Assert.Empty(Of("Secret"));
    }

    [Fact]
    public void The_orchestrator_is_probed_on_health_and_ready_and_stops_within_its_grace_period()
    {
        var orchestrator = Assert.Single(Deployments, d => Text(Container(d), "image") == "sagaworkflow-orchestrator");
        var container = Container(orchestrator);
        var port = List(container["ports"], "ports").Select(p => Map(p, "port")).Single();

        Assert.Equal("/health", Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/ready", Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal(port["name"], At(container, "readinessProbe", "httpGet", "port"));
        // The port the image listens on (src/Orchestrator/Dockerfile: Api__Urls=http://0.0.0.0:5080).
        Assert.Equal("5080", Convert.ToString(port["containerPort"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("Api__Urls=http://0.0.0.0:5080", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Orchestrator", "Dockerfile")), StringComparison.Ordinal);
        // .NET's host waits up to 30 s (its default ShutdownTimeout) for the bus, scheduler and outbox to stop.
        Assert.True(GracePeriod(orchestrator) > TimeSpan.FromSeconds(30), $"grace period {GracePeriod(orchestrator)}");
    }

    [Fact]
    public void Each_executor_drains_on_sigterm_within_its_grace_period_and_is_ready_by_its_file()
    {
        Assert.Equal(3, Executors.Count);
        foreach (var executor in Executors)
        {
            var env = Env(executor);
            var deadline = env.TryGetValue("Executor__ShutdownDrainDeadline", out var text)
                ? Parsed((string)Map(text, "env").GetValueOrDefault("value")!)
                : new ExecutorOptions().ShutdownDrainDeadline;
            // The executor host allows itself the deadline plus 10 s to stop (ExecutorHost); Kubernetes kills at the grace period.
            var grace = GracePeriod(executor);
            Assert.True(grace >= deadline + TimeSpan.FromSeconds(10) && grace <= deadline + TimeSpan.FromSeconds(30),
                $"{Name(executor)}: grace period {grace} does not match the drain deadline {deadline} (+10 s to +30 s)");
            var readyFile = (string)Map(env["Hosting__ReadyFile"], "env")["value"]!;
            Assert.Equal(["test", "-f", readyFile], List(At(Container(executor), "readinessProbe", "exec", "command"), "command").Cast<string>());
        }
    }

    [Fact]
    public void Every_executor_deployment_is_scaled_by_keda_on_the_depth_of_each_of_its_capability_queues()
    {
        var scaledObjects = Of("ScaledObject");
        var authentications = Of("TriggerAuthentication").Select(a => Text(a, "metadata", "name")).ToList();

        Assert.Equal(Executors.Count, scaledObjects.Count);
        foreach (var executor in Executors)
        {
            var scaled = Assert.Single(scaledObjects, s => Text(s, "spec", "scaleTargetRef", "name") == Name(executor));
            var env = Env(executor);
            var capabilities = ((string)Map(env["Executor__CapabilityList"], "env")["value"]!).Split(',', StringSplitOptions.TrimEntries);
            var triggers = List(At(scaled, "spec", "triggers"), "triggers").Select(t => Map(t, "trigger")).ToList();

            Assert.Equal(capabilities.Select(NodeQueues.ForCapability).Order(), triggers.Select(t => Text(t, "metadata", "queueName")).Order());
            Assert.All(triggers, t =>
            {
                Assert.Equal("rabbitmq", t["type"]);
                Assert.Equal("QueueLength", Text(t, "metadata", "mode"));
                // One replica per concurrency's worth of waiting nodes.
                Assert.Equal(Map(env["Executor__Concurrency"], "env")["value"], Text(t, "metadata", "value"));
                Assert.Contains(Text(t, "authenticationRef", "name"), authentications);
            });
            Assert.True(int.Parse(Convert.ToString(At(scaled, "spec", "minReplicaCount"), System.Globalization.CultureInfo.InvariantCulture)!, System.Globalization.CultureInfo.InvariantCulture) >= 1,
                $"{Name(executor)}: keep one executor online per capability");
        }
    }

    [Fact]
    public void The_kustomization_lists_every_manifest()
    {
        var kustomization = Read(Path.Combine(Directory, "kustomization.yaml")).Single();

        Assert.Equal(System.IO.Directory.GetFiles(Directory, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(),
            List(kustomization["resources"], "resources").Cast<string>().Order());
    }

    private static List<Dictionary<string, object?>> Of(string kind) => Resources.Where(r => (string?)r.GetValueOrDefault("kind") == kind).ToList();

    private static string Name(Dictionary<string, object?> resource) => Text(resource, "metadata", "name")!;

    private static Dictionary<string, object?> Container(Dictionary<string, object?> deployment) =>
        Map(Assert.Single(List(At(deployment, "spec", "template", "spec", "containers"), "containers")), "container");

    private static Dictionary<string, object?> Env(Dictionary<string, object?> deployment) =>
        List(Container(deployment).GetValueOrDefault("env") ?? new List<object?>(), "env").Select(e => Map(e, "env"))
            .ToDictionary(e => (string)e["name"]!, e => (object?)e);

    private static TimeSpan GracePeriod(Dictionary<string, object?> deployment) =>
        TimeSpan.FromSeconds(int.Parse(Convert.ToString(At(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"),
            System.Globalization.CultureInfo.InvariantCulture) ?? "30", System.Globalization.CultureInfo.InvariantCulture));

    // As the executor reads it: durations as in definitions ("25s") or TimeSpan text.
    private static TimeSpan Parsed(string duration)
    {
        Assert.True(FlexibleTimeSpanConverter.TryParse(duration, out var value), $"'{duration}' is not a duration the executor reads");
        return value;
    }

    [GeneratedRegex(@"(Password|ConnectionString|__Key)$")]
    private static partial Regex SecretKey();
}
