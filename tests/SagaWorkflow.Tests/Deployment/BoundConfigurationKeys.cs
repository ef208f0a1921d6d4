using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Logging.Console;
using SagaWorkflow.Hosting;
using SagaWorkflow.NodeExecution.Runtime;
using SagaWorkflow.Orchestrator.Api;
using SagaWorkflow.Orchestrator.ExecutorRegistry;
using SagaWorkflow.Orchestrator.Recovery;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Outbox;

namespace SagaWorkflow.Tests.Deployment;

/// <summary>
/// Whether an environment key (<c>Section__Property__...</c>) names something the code binds: a deployment file that
/// sets a misspelled key would otherwise be ignored in silence. Shared by the docker-compose and Kubernetes checks.
/// </summary>
public static class BoundConfigurationKeys
{
    // The options classes the hosts bind, by the configuration path they are bound from (Logging:Console is the framework's).
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [TransportOptions.Section] = typeof(TransportOptions),
        [RabbitMqOptions.Section] = typeof(RabbitMqOptions),
        [PersistenceOptions.Section] = typeof(PersistenceOptions),
        [ExecutorOptions.Section] = typeof(ExecutorOptions),
        [OrchestratorOptions.Section] = typeof(OrchestratorOptions),
        [ApiOptions.Section] = typeof(ApiOptions),
        [HostingOptions.Section] = typeof(HostingOptions),
        [FailoverOptions.Section] = typeof(FailoverOptions),
        [OutboxOptions.Section] = typeof(OutboxOptions),
        ["Logging:Console"] = typeof(ConsoleLoggerOptions),
    };

    /// <summary>Fails naming the key and the part of it no bound option has; indexes (<c>__0</c>) must land on a list.</summary>
    public static void AssertBound(string key)
    {
        var parts = key.Split("__");
        var section = Enumerable.Range(1, parts.Length).Select(n => string.Join(':', parts[..n])).LastOrDefault(Sections.ContainsKey);
        Assert.True(section is not null, $"{key}: no options section binds '{parts[0]}'");
        var type = Sections[section];
        foreach (var part in parts[(section.Split(':').Length)..])
        {
            if (int.TryParse(part, out _))
            {
                var element = ElementType(type);
                Assert.True(element is not null, $"{key}: {type.Name} is not a list, so '{part}' indexes nothing");
                type = element;
                continue;
            }

            var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            Assert.True(property is { CanWrite: true } || property?.PropertyType.IsAssignableTo(typeof(IList)) == true,
                $"{key}: {type.Name} has no settable property '{part}'");
            type = Nullable.GetUnderlyingType(property!.PropertyType) ?? property.PropertyType;
        }
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IList<>))?.GetGenericArguments()[0];
}
