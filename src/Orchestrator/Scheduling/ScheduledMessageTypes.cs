using MassTransit;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Orchestrator.Scheduling;

/// <summary>
/// Maps the message type URNs stored with a scheduled message back to contract types, so a fired message is sent
/// as the type it was scheduled as. Only SagaWorkflow contracts are schedulable; anything else is a clear error.
/// </summary>
public sealed class ScheduledMessageTypes
{
    private readonly Dictionary<string, Type> _byUrn = typeof(StartWorkflow).Assembly.GetExportedTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && t.Namespace == typeof(StartWorkflow).Namespace)
        .ToDictionary(t => MessageUrn.ForTypeString(t), t => t, StringComparer.Ordinal);

    public Type Resolve(IEnumerable<string> urns)
    {
        foreach (var urn in urns)
        {
            if (_byUrn.TryGetValue(urn, out var type))
                return type;
        }

        throw new UnknownScheduledMessageTypeException($"no schedulable contract has the message type(s) {string.Join(", ", urns)}");
    }
}

public sealed class UnknownScheduledMessageTypeException(string message) : Exception(message);
