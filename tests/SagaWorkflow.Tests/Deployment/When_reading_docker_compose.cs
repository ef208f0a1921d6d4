using System.Text.RegularExpressions;

namespace SagaWorkflow.Tests.Deployment;

/// <summary>No Docker engine runs here, so docker-compose.yml is checked against the code (and for secrets and exposure) instead of run.</summary>
public sealed partial class When_reading_docker_compose
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"));

    [Fact]
    public void Every_environment_key_it_sets_maps_to_an_option_the_code_binds()
    {
        var keys = EnvironmentKey().Matches(Compose).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(keys);
        foreach (var key in keys)
            BoundConfigurationKeys.AssertBound(key);
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

    [Fact]
    public void No_password_or_key_is_written_in_it_and_guest_is_not_used()
    {
        var secrets = SecretSetting().Matches(Compose).ToList();

        // Broker (server and clients), MariaDB, PostgreSQL, the API key.
        Assert.True(secrets.Count >= 5, $"expected the broker, database and API secrets; found {secrets.Count}");
        var example = File.ReadAllText(Path.Combine(RepositoryPaths.Root, ".env.example"));
        foreach (var secret in secrets)
        {
            var value = secret.Groups["value"].Value;
            Assert.True(Interpolation().Match(value) is { Success: true } variable && variable.Length == value.Length,
                $"{secret.Groups["key"].Value} is '{value}': take it from .env with ${{NAME:?message}}");
            Assert.Contains(Interpolation().Match(value).Groups["variable"].Value + "=", example, StringComparison.Ordinal);
        }

        Assert.Contains("Password=${DATABASE_PASSWORD:?", Compose, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?im):\s*""?guest""?\s*$", Compose);
    }

    [Fact]
    public void Every_published_port_is_on_the_hosts_loopback()
    {
        var ports = PublishedPort().Matches(Compose).ToList();

        Assert.True(ports.Count >= 4, $"expected the broker, its UI, the databases and the API; found {ports.Count}");
        foreach (Match port in ports)
            Assert.StartsWith("127.0.0.1:", port.Groups[1].Value, StringComparison.Ordinal);
    }

    // A setting naming a password or key; MariaDB's RANDOM_ROOT_PASSWORD is a yes/no switch, not a secret.
    [GeneratedRegex(@"^\s+(?<key>(?!MARIADB_RANDOM)[A-Za-z_0-9]*(?:PASS|PASSWORD|__Password|__Key)):\s*(?<value>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex SecretSetting();

    // Compose interpolation that refuses to start when the variable is unset: ${NAME:?message}.
    [GeneratedRegex(@"\$\{(?<variable>[A-Z_]+):\?[^}]+\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"^\s+- ""([^""]+)""", RegexOptions.Multiline)]
    private static partial Regex PublishedPort();

    [GeneratedRegex(@"^\s+([A-Za-z]+__[A-Za-z]+):", RegexOptions.Multiline)]
    private static partial Regex EnvironmentKey();

    [GeneratedRegex(@"dockerfile:\s*([^\s}]+)")]
    private static partial Regex DockerfileReference();

    [GeneratedRegex(@"image:\s*(\S+)")]
    private static partial Regex ImageReference();
}
