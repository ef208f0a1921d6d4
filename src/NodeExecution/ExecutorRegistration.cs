using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SagaWorkflow.Contracts;
using SagaWorkflow.NodeExecution.BuiltIn;
using SagaWorkflow.NodeExecution.Runtime;

namespace SagaWorkflow.NodeExecution;

/// <summary>Registration of executors and their capability endpoints, shared by the executor host and local mode.</summary>
public static class ExecutorRegistration
{
    public static IServiceCollection AddNodeExecutors(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RunningExecutions>();
        services.AddSingleton<NodeResultDelivery>();
        services.AddSingleton<NodeEndpoints>();
        services.AddSingleton<ExecutorInstance>();
        services.AddSingleton<ExecutorDrain>();
        services.AddSingleton<NodeCapacity>();
        services.AddSingleton<INodeExecutor, NoopExecutor>();
        services.AddSingleton<INodeExecutor, DelayExecutor>();
        services.AddSingleton<INodeExecutor, TransformExecutor>();
        // Bound from configuration, not from IOptions<ExecutorOptions>: validating those options resolves the executors, this
        // one included, so reading them here would go round in a circle. The validator still checks these entries at start.
        services.AddSingleton(sp => new HttpTargetPolicy(
            sp.GetRequiredService<IConfiguration>().GetSection(HttpTargetOptions.Section).Get<HttpTargetOptions>() ?? new HttpTargetOptions()));
        services.AddSingleton<INodeExecutor, HttpExecutor>();
        services.AddOptions<ExecutorOptions>()
            .BindConfiguration(ExecutorOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExecutorOptions>, ExecutorOptionsValidator>();
        return services;
    }

    /// <summary>Heartbeats and drain-on-shutdown. Call after AddMassTransit, so it starts after the bus and stops before it.</summary>
    public static IServiceCollection AddExecutorPresence(this IServiceCollection services) =>
        services.AddHostedService<ExecutorPresence>();

    /// <summary>Adds the consumer without an endpoint of its own: it is attached to each capability queue instead.</summary>
    public static void AddNodeExecutorConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<ExecuteNodeConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<CancelNodeConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<DrainExecutorConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<SetExecutorCapacityConsumer>().ExcludeFromConfigureEndpoints();
    }

    /// <summary>One receive endpoint per configured capability, <c>node.&lt;capability&gt;</c>, consuming ExecuteNode.</summary>
    public static void ConfigureNodeExecutorEndpoints(this IBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        // Every executor process must see every CancelNode: a temporary queue of its own, bound to the event.
        cfg.ReceiveEndpoint(new TemporaryEndpointDefinition("executor-control"), e =>
        {
            e.ConfigureConsumer<CancelNodeConsumer>(context);
            e.ConfigureConsumer<DrainExecutorConsumer>(context);
            e.ConfigureConsumer<SetExecutorCapacityConsumer>(context);
        });

        var options = context.GetRequiredService<IOptions<ExecutorOptions>>().Value;
        var endpoints = context.GetRequiredService<NodeEndpoints>();
        var capabilities = ConfiguredCapabilities(options, context.GetServices<INodeExecutor>());
        var queues = capabilities.Select(NodeQueues.ForCapability)
            .Concat(capabilities.SelectMany(c => NamedPools(options).Select(p => NodeQueues.ForPool(c, p))));
        // Only a configured id gets its own (durable) queue: a random default id would leave one orphan queue per start.
        if (options.HasStableId)
            queues = queues.Append(NodeQueues.ForExecutor(options.ExecutorId));
        // Their arguments (priorities, queue type) are the transport's business: SagaWorkflow.Hosting.QueueTopology.
        foreach (var queue in queues)
        {
            cfg.ReceiveEndpoint(queue, e =>
            {
                // Node commands are sent, never published: no exchange bindings for message types on these queues.
                e.ConfigureConsumeTopology = false;
                // The ceiling, fixed while subscribed; NodeCapacity holds the runtime limit below it (ExecuteNodeConsumer).
                e.PrefetchCount = options.EffectiveMaxConcurrency;
                e.ConcurrentMessageLimit = options.EffectiveMaxConcurrency;
                e.ConfigureConsumer<ExecuteNodeConsumer>(context);
                e.ConnectReceiveEndpointObserver(endpoints);
            });
        }
    }

    public static IReadOnlyList<string> NamedPools(ExecutorOptions options) =>
        options.Pools
            .Concat((options.PoolList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();

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
