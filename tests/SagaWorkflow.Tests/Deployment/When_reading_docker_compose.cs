using SagaWorkflow.Orchestrator.Api;
using System.Text.RegularExpressions;
using SagaWorkflow.Executors.Hosting;
using SagaWorkflow.Orchestrator.Recovery;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Tests.Deployment;

/// <summary>No Docker engine runs here, so docker-compose.yml is checked against the code instead of run.</summary>
public sealed partial class When_reading_docker_compose
{
    private static readonly Dictionary<string, Type> OptionSections = new()
    {
        [TransportOptions.Section] = typeof(TransportOptions),
        [RabbitMqOptions.Section] = typeof(RabbitMqOptions),
        [PersistenceOptions.Section] = typeof(PersistenceOptions),
        [ExecutorOptions.Section] = typeof(ExecutorOptions),
        [OrchestratorOptions.Section] = typeof(OrchestratorOptions),
        [ApiOptions.Section] = typeof(ApiOptions),
    };

    private static readonly string Compose = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"));

    [Fact]
    public void Every_environment_key_it_sets_maps_to_an_option_the_code_binds()
    {
        var keys = EnvironmentKey().Matches(Compose).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            var parts = key.Split("__");
            Assert.True(OptionSections.TryGetValue(parts[0], out var options), $"{key}: no options section '{parts[0]}'");
            Assert.True(options.GetProperty(parts[1]) is not null, $"{key}: {options.Name} has no property '{parts[1]}'");
        }
    }

    [Fact]
    public void Every_built_image_has_its_dockerfile_and_images_are_pinned()
    {
        foreach (Match dockerfile in DockerfileReference().Matches(Compose))
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, dockerfile.Groups[1].Value)), dockerfile.Value);
        foreach (Match image in ImageReference().Matches(Compose))
            Assert.Matches(@":\d+\.\d+", image.Groups[1].Value);
        Assert.Contains("executor-delay:", Compose, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s+([A-Za-z]+__[A-Za-z]+):", RegexOptions.Multiline)]
    private static partial Regex EnvironmentKey();

    [GeneratedRegex(@"dockerfile:\s*([^\s}]+)")]
    private static partial Regex DockerfileReference();

    [GeneratedRegex(@"image:\s*(\S+)")]
    private static partial Regex ImageReference();
}
