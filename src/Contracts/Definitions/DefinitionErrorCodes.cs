namespace SagaWorkflow.Contracts.Definitions;

/// <summary>Stable codes of <see cref="DefinitionError"/>, for programs that branch on the kind of problem.</summary>
public static class DefinitionErrorCodes
{
    public const string Json = "json";
    public const string MissingDefinition = "missing_definition";

    /// <summary>A start named a registered definition (or version) that the registry does not have.</summary>
    public const string UnknownDefinition = "unknown_definition";

    /// <summary>A start gave both an inline definition and a registered name.</summary>
    public const string AmbiguousDefinition = "ambiguous_definition";
    public const string MissingName = "missing_name";
    public const string InvalidVersion = "invalid_version";
    public const string EmptyWorkflow = "empty_workflow";
    public const string TooManyNodes = "too_many_nodes";
    public const string MissingId = "missing_id";
    public const string InvalidId = "invalid_id";
    public const string DuplicateId = "duplicate_id";
    public const string MissingCapability = "missing_capability";
    public const string InvalidCapability = "invalid_capability";
    public const string UnknownDependency = "unknown_dependency";
    public const string SelfDependency = "self_dependency";
    public const string DuplicateDependency = "duplicate_dependency";
    public const string Cycle = "cycle";
    public const string InputTooLarge = "input_too_large";

    /// <summary>A node's input nests deeper than the messages that carry it can (64 levels, envelope included).</summary>
    public const string InputTooDeep = "input_too_deep";
    public const string InvalidRetry = "invalid_retry";
    public const string InvalidTimeout = "invalid_timeout";
    public const string InvalidTarget = "invalid_target";
    public const string InvalidOnExecutorLost = "invalid_on_executor_lost";

    /// <summary>A priority outside 0-9 (the workflow's or a node's).</summary>
    public const string InvalidPriority = "invalid_priority";

    /// <summary>A routingKey that is empty, too long, or starts with '$' without being a path such as <c>$.customerId</c>.</summary>
    public const string InvalidRoutingKey = "invalid_routing_key";

    /// <summary>A routingKey path that the run's input has no string, number or boolean at (the start is rejected).</summary>
    public const string UnresolvedRoutingKey = "unresolved_routing_key";
}
