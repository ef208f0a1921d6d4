using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using static SagaWorkflow.Contracts.Definitions.DefinitionErrorCodes;

namespace SagaWorkflow.Contracts.Definitions;

/// <summary>
/// Checks a parsed definition and reports every problem at once, each naming its node, so a user fixes a
/// definition in one pass. Linear in nodes + edges; the cycle search is iterative, so a 10,000-node chain is safe.
/// </summary>
public static partial class WorkflowDefinitionValidator
{
    public const int MaxNodes = 10_000;
    public const int MaxInputBytes = 256 * 1024;

    /// <summary>
    /// Deepest nesting of a node's input. A message carries the input a few levels down (envelope, definition, node), and
    /// System.Text.Json reads and writes at most 64 levels: a deeper input would be accepted here and then fail to
    /// serialize when the run is started or the node dispatched.
    /// </summary>
    public const int MaxInputDepth = 32;
    public const int MaxAttemptsLimit = 100;

    public static IReadOnlyList<DefinitionError> Validate(WorkflowDefinition? definition)
    {
        if (definition is null)
            return [new DefinitionError(MissingDefinition, null, "no definition was given")];

        var errors = new List<DefinitionError>();
        if (string.IsNullOrWhiteSpace(definition.Name))
            errors.Add(new(MissingName, null, "the workflow needs a name"));
        if (definition.Version < 1)
            errors.Add(new(InvalidVersion, null, $"version must be 1 or more, not {definition.Version}"));
        if (definition.Timeout is { } timeout && timeout <= TimeSpan.Zero)
            errors.Add(new(InvalidTimeout, null, $"the workflow timeout must be positive, not {timeout}"));
        if (definition.Priority is { } priority && !IsPriority(priority))
            errors.Add(new(InvalidPriority, null, $"the workflow priority must be {MinPriority}-{MaxPriority}, not {priority}"));
        if (definition.RoutingKey is { } routingKey && RoutingKeys.Check(routingKey) is { } badKey)
            errors.Add(new(InvalidRoutingKey, null, "the workflow's " + badKey));
        var nodes = WithoutNullEntries(definition.Nodes ?? [], errors);
        if (nodes.Count == 0)
            errors.Add(new(EmptyWorkflow, null, "the workflow has no nodes"));
        if (nodes.Count > MaxNodes)
            errors.Add(new(TooManyNodes, null, $"the workflow has {nodes.Count} nodes; at most {MaxNodes} are allowed"));

        var known = CheckIds(nodes, errors);
        foreach (var node in nodes)
            CheckNode(node, known, errors);
        errors.AddRange(CycleFinder.Find(nodes, known));
        return errors;
    }

    // JSON such as "nodes": [ null ] deserializes to a null entry despite the non-nullable type; report it, then skip it.
    private static List<NodeDefinition> WithoutNullEntries(IReadOnlyList<NodeDefinition?> nodes, List<DefinitionError> errors)
    {
        var present = new List<NodeDefinition>(nodes.Count);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is { } node)
                present.Add(node);
            else
                errors.Add(new(MissingId, null, $"nodes[{i}] is null, not a node"));
        }

        return present;
    }

    private static HashSet<string> CheckIds(IReadOnlyList<NodeDefinition> nodes, List<DefinitionError> errors)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (string.IsNullOrEmpty(node.Id))
                errors.Add(new(MissingId, null, $"a node with capability '{node.Capability}' has no id"));
            else if (!IdPattern().IsMatch(node.Id))
                errors.Add(new(InvalidId, node.Id, "ids are 1-100 characters of letters, digits, '_', '.' or '-', not starting with '.' or '-'"));
            else if (!known.Add(node.Id) && reported.Add(node.Id))
                errors.Add(new(DuplicateId, node.Id, $"more than one node has the id '{node.Id}'"));
        }

        return known;
    }

    private static void CheckNode(NodeDefinition node, HashSet<string> known, List<DefinitionError> errors)
    {
        var id = string.IsNullOrEmpty(node.Id) ? null : node.Id;
        if (string.IsNullOrEmpty(node.Capability))
            errors.Add(new(MissingCapability, id, "the node has no capability"));
        else if (!CapabilityPattern().IsMatch(node.Capability))
            errors.Add(new(InvalidCapability, id, $"capability '{node.Capability}' must be 1-50 lower-case letters, digits, '-' or '_' (it names the queue node.<capability>)"));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dependency in node.DependsOn ?? [])
        {
            if (dependency == node.Id)
                errors.Add(new(SelfDependency, id, "the node depends on itself"));
            else if (!seen.Add(dependency))
                errors.Add(new(DuplicateDependency, id, $"'{dependency}' is listed twice in dependsOn"));
            else if (!known.Contains(dependency))
                errors.Add(new(UnknownDependency, id, $"depends on '{dependency}', which is not a node of this workflow"));
        }

        if (node.Input is { } input)
            CheckInput(input, id, errors);
        if (node.Timeout is { } timeout && timeout <= TimeSpan.Zero)
            errors.Add(new(InvalidTimeout, id, $"timeout must be positive, not {timeout}"));
        if (node.Priority is { } priority && !IsPriority(priority))
            errors.Add(new(InvalidPriority, id, $"priority must be {MinPriority}-{MaxPriority}, not {priority}"));
        if (node.Retry is { } retry)
            CheckRetry(retry, id, errors);
        CheckTargeting(node, id, errors);
    }

    private static void CheckInput(JsonElement input, string? id, List<DefinitionError> errors)
    {
        var (bytes, depth) = MeasureInput(input);
        if (bytes > MaxInputBytes)
            errors.Add(new(InputTooLarge, id, $"input is {bytes} bytes (as compact JSON); at most {MaxInputBytes} are allowed"));
        if (depth > MaxInputDepth)
            errors.Add(new(InputTooDeep, id, $"input is nested {depth} levels deep; at most {MaxInputDepth} are allowed"));
    }

    /// <summary>
    /// The input's size written as compact JSON, and its nesting depth. The raw text would make the verdict depend on
    /// formatting: the API sees the client's text, the saga the text of the message envelope (indented differently), so a
    /// definition accepted by one could be rejected by the other.
    /// </summary>
    public static (long Bytes, int Depth) MeasureInput(JsonElement input)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
            input.WriteTo(writer);
        var reader = new Utf8JsonReader(buffer.WrittenSpan, new JsonReaderOptions { MaxDepth = 256 });
        var depth = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                depth = Math.Max(depth, reader.CurrentDepth + 1);
        }

        return (buffer.WrittenCount, depth);
    }

    private static void CheckTargeting(NodeDefinition node, string? id, List<DefinitionError> errors)
    {
        if (node.Pool is { } pool && !CapabilityPattern().IsMatch(pool))
            errors.Add(new(InvalidTarget, id, $"pool '{pool}' must be 1-50 lower-case letters, digits, '-' or '_' (it names the queue node.<capability>.<pool>)"));
        if (node.Executor is { } executor && !IdPattern().IsMatch(executor))
            errors.Add(new(InvalidTarget, id, $"executor '{executor}' must be 1-100 letters, digits, '_', '.' or '-' (it names the queue executor.<id>)"));
        if (node.Pool is not null && node.Executor is not null)
            errors.Add(new(InvalidTarget, id, "a node targets either a pool or one executor, not both"));
        if (node.RoutingKey is { } routingKey && RoutingKeys.Check(routingKey) is { } badKey)
            errors.Add(new(InvalidRoutingKey, id, badKey));
        if (node.RoutingKey is not null && node.Executor is not null)
            errors.Add(new(InvalidTarget, id, "a node with a routingKey lets the key choose its executor; it cannot also name one ('executor')"));
        if (node.OnExecutorLost is { } policy && !OnExecutorLostPolicies.Contains(policy))
            errors.Add(new(InvalidOnExecutorLost, id, $"onExecutorLost must be one of {string.Join(", ", OnExecutorLostPolicies)}, not '{policy}'"));
    }

    /// <summary>Node priorities: RabbitMQ keeps one sub-queue per level, so ten levels are plenty and cheap.</summary>
    public const int MinPriority = 0, MaxPriority = 9;

    private static bool IsPriority(int priority) => priority is >= MinPriority and <= MaxPriority;

    /// <summary>Values of a node's <c>onExecutorLost</c>; the first is the default.</summary>
    public static readonly IReadOnlyList<string> OnExecutorLostPolicies = ["redispatch", "fail", "park"];

    private static void CheckRetry(RetryPolicy retry, string? id, List<DefinitionError> errors)
    {
        if (retry.MaxAttempts is < 1 or > MaxAttemptsLimit)
            errors.Add(new(InvalidRetry, id, $"retry.maxAttempts must be 1-{MaxAttemptsLimit}, not {retry.MaxAttempts}"));
        if (retry.InitialDelay < TimeSpan.Zero)
            errors.Add(new(InvalidRetry, id, $"retry.initialDelay must not be negative, not {retry.InitialDelay}"));
        if (!(retry.BackoffMultiplier >= 1.0))
            errors.Add(new(InvalidRetry, id, $"retry.backoffMultiplier must be 1 or more, not {retry.BackoffMultiplier}"));
        if (retry.MaxDelay is { } maxDelay && maxDelay < retry.InitialDelay)
            errors.Add(new(InvalidRetry, id, $"retry.maxDelay ({maxDelay}) must not be less than retry.initialDelay ({retry.InitialDelay})"));
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9_-]{1,50}$")]
    private static partial Regex CapabilityPattern();
}
