using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;
using SagaWorkflow.Executors.BuiltIn;
using SagaWorkflow.Executors.Hosting;

namespace SagaWorkflow.Executors;

/// <summary>Registration of executors and their capability endpoints, shared by the executor host and local mode.</summary>
public static class ExecutorRegistration
{
    public static IServiceCollection AddNodeExecutors(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RunningExecutions>();
        services.AddSingleton<INodeExecutor, NoopExecutor>();
        services.AddSingleton<INodeExecutor, DelayExecutor>();
        services.AddSingleton<INodeExecutor, TransformExecutor>();
        services.AddSingleton<INodeExecutor, HttpExecutor>();
        services.AddOptions<ExecutorOptions>()
            .BindConfiguration(ExecutorOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExecutorOptions>, ExecutorOptionsValidator>();
        return services;
    }

    /// <summary>Adds the consumer without an endpoint of its own: it is attached to each capability queue instead.</summary>
    public static void AddNodeExecutorConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<ExecuteNodeConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<CancelNodeConsumer>().ExcludeFromConfigureEndpoints();
    }

    /// <summary>One receive endpoint per configured capability, <c>node.&lt;capability&gt;</c>, consuming ExecuteNode.</summary>
    public static void ConfigureNodeExecutorEndpoints(this IBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        // Every executor process must see every CancelNode: a temporary queue of its own, bound to the event.
        cfg.ReceiveEndpoint(new TemporaryEndpointDefinition("executor-control"), e => e.ConfigureConsumer<CancelNodeConsumer>(context));

        var options = context.GetRequiredService<IOptions<ExecutorOptions>>().Value;
        foreach (var capability in ConfiguredCapabilities(options, context.GetServices<INodeExecutor>()))
        {
            cfg.ReceiveEndpoint(NodeQueues.ForCapability(capability), e =>
            {
                // Node commands are sent, never published: no exchange bindings for message types on these queues.
                e.ConfigureConsumeTopology = false;
                e.PrefetchCount = options.Concurrency;
                e.ConcurrentMessageLimit = options.Concurrency;
                e.ConfigureConsumer<ExecuteNodeConsumer>(context);
            });
        }
    }

    public static IReadOnlyList<string> ConfiguredCapabilities(ExecutorOptions options, IEnumerable<INodeExecutor> executors)
    {
        var named = NamedCapabilities(options);
        return named.Count > 0 ? named : executors.Select(e => e.Capability).Distinct().ToList();
    }

    public static IReadOnlyList<string> NamedCapabilities(ExecutorOptions options) =>
        options.Capabilities
            .Concat((options.CapabilityList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
