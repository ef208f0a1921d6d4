using System.Collections.Concurrent;
using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace SagaWorkflow.Hosting;

/// <summary>
/// Consume filter on every endpoint of both process kinds: while a message about a workflow is handled, every log line
/// carries its WorkflowId, NodeId, Attempt and ExecutorId (whichever the message has) as a logging scope, so
/// <c>Logging__Console__FormatterName=json</c> (or any scope-aware provider) gives lines that filter by workflow.
/// </summary>
public sealed class WorkflowLogScope<T>(ILogger<WorkflowLogScope<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var fields = WorkflowLogFields.Read(context.Message);
        if (fields is null)
        {
            await next.Send(context);
            return;
        }

        using (logger.BeginScope(fields))
            await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("workflowLogScope");
}

/// <summary>Per message type (cached), the getters of the properties that identify a workflow, node, attempt or executor.</summary>
public static class WorkflowLogFields
{
    public static readonly IReadOnlyList<string> Names = ["WorkflowId", "NodeId", "Attempt", "ExecutorId"];

    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property)[]> Getters = new();

    /// <summary>The identifying values the message carries (empty ones left out), or null when it has none.</summary>
    public static Dictionary<string, object>? Read(object message)
    {
        var getters = Getters.GetOrAdd(message.GetType(), static type => Names
            .Select(name => (name, Property: type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance)))
            .Where(p => p.Property is { CanRead: true } && p.Property.GetIndexParameters().Length == 0)
            .Select(p => (p.name, p.Property!))
            .ToArray());
        if (getters.Length == 0)
            return null;
        var fields = new Dictionary<string, object>(getters.Length);
        foreach (var (name, property) in getters)
        {
            var value = property.GetValue(message);
            if (value is not null && !(value is string text && text.Length == 0) && !(value is Guid id && id == Guid.Empty))
                fields[name] = value;
        }

        return fields.Count == 0 ? null : fields;
    }
}
