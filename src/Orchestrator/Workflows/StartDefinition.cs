using MassTransit;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Persistence.Definitions;
using SagaWorkflow.Persistence.Sagas;
using SagaWorkflow.Persistence.Workflows;
using static SagaWorkflow.Contracts.Definitions.DefinitionErrorCodes;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>
/// The definition a <see cref="StartWorkflow"/> runs — inline, or registered by name (read from
/// <c>workflow_definitions</c> in the saga's own transaction) — with its validation errors and its nodes' routing keys
/// resolved against the run's input. Resolved once per message: the start condition, the start step, the deadline and the
/// rejection share this payload.
/// </summary>
public sealed record StartDefinition(WorkflowDefinition? Definition, IReadOnlyList<DefinitionError> Errors)
{
    /// <summary>Each node's routing key in this run (nodes without one are absent).</summary>
    public IReadOnlyDictionary<string, string> RoutingKeys { get; init; } = new Dictionary<string, string>();

    public static StartDefinition Of(PipeContext context) =>
        context.TryGetPayload<StartDefinition>(out var resolved) ? resolved
            : throw new InvalidOperationException("the start definition is read before it was resolved");

    public static async Task<StartDefinition> ResolveAsync(BehaviorContext<WorkflowState, StartWorkflow> context)
    {
        if (context.TryGetPayload<StartDefinition>(out var resolved))
            return resolved;
        var resolvedNow = await LoadAsync(context);
        return context.GetOrAddPayload(() => resolvedNow);
    }

    private static async Task<StartDefinition> LoadAsync(BehaviorContext<WorkflowState, StartWorkflow> context)
    {
        var message = context.Message;
        var definition = message.Definition;
        if (message.DefinitionName is not null)
        {
            if (definition is not null)
                return Rejected(AmbiguousDefinition, $"give either an inline definition or definitionName '{message.DefinitionName}', not both");
            if (!SagaDatabase.TryGet(context, out var db))
                return Rejected(UnknownDefinition, "registered definitions need the SQL saga repository");
            (definition, var missing) = await StoredDefinitions.ResolveAsync(db, message.DefinitionName, message.DefinitionVersion, context.CancellationToken);
            if (missing is not null)
                return Rejected(UnknownDefinition, missing);
        }

        // Every start is validated here, once, whatever its source: a message from any client is not trusted.
        var errors = WorkflowDefinitionValidator.Validate(definition);
        if (errors.Count > 0)
            return new StartDefinition(definition, errors);
        // A key taken from the input that the input lacks rejects the run as a whole: nothing is stored or dispatched,
        // rather than some nodes routed by a guess.
        var unresolved = new List<DefinitionError>();
        var keys = Contracts.Definitions.RoutingKeys.ResolveAll(definition!, message.Input, unresolved);
        return new StartDefinition(definition, unresolved) { RoutingKeys = keys };
    }

    private static StartDefinition Rejected(string code, string message) => new(null, [new DefinitionError(code, null, message)]);
}
