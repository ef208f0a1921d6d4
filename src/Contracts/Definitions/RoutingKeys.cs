using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SagaWorkflow.Contracts.Definitions;

/// <summary>
/// A node's <c>routingKey</c> (sticky routing): a literal, or a path into the workflow input such as <c>$.customerId</c>
/// or <c>$.order.lines[0].sku</c>. The definition is checked once (<see cref="Check"/>, by the validator); a path is
/// resolved against the run's input when the run starts (<see cref="Resolve"/>), so every attempt of the node, and every
/// node with the same key, routes by the same text.
/// </summary>
public static partial class RoutingKeys
{
    /// <summary>Longest key, literal or resolved (it is stored in <c>workflow_nodes.routing_key</c>).</summary>
    public const int MaxLength = 200;

    /// <summary>Whether <paramref name="key"/> is a path into the input rather than a literal.</summary>
    public static bool IsPath(string key) => key.StartsWith('$');

    /// <summary>What is wrong with a key as written in a definition, or null when it is fine.</summary>
    public static string? Check(string key)
    {
        if (key.Length == 0)
            return "routingKey must not be empty";
        if (key.Length > MaxLength)
            return $"routingKey is {key.Length} characters; at most {MaxLength} are allowed";
        if (IsPath(key) && !PathPattern().IsMatch(key))
            return $"routingKey '{key}' starts with '$', so it is a path into the workflow input, and must look like $.name, $.a.b or $.items[0].id " +
                "(names of letters, digits, '_' or '-'); a literal key cannot start with '$'";
        return null;
    }

    /// <summary>
    /// The key a node routes by as written: its own, else the workflow's — unless it targets one executor by name, which
    /// leaves nothing to choose.
    /// </summary>
    public static string? Of(WorkflowDefinition definition, NodeDefinition node) =>
        node.RoutingKey ?? (node.Executor is null ? definition.RoutingKey : null);

    /// <summary>
    /// Every node's key in a run with <paramref name="input"/> (nodes without one are absent); each key that cannot be
    /// resolved is reported in <paramref name="errors"/> as <see cref="DefinitionErrorCodes.UnresolvedRoutingKey"/>.
    /// </summary>
    public static Dictionary<string, string> ResolveAll(WorkflowDefinition definition, JsonElement? input, List<DefinitionError> errors)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in definition.Nodes)
        {
            if (Of(definition, node) is not { } key)
                continue;
            if (Resolve(key, input, out var error) is { } resolved)
                keys[node.Id] = resolved;
            else
                errors.Add(new DefinitionError(DefinitionErrorCodes.UnresolvedRoutingKey, node.Id, error!));
        }

        return keys;
    }

    /// <summary>
    /// The key a node routes by in a run with <paramref name="input"/>: a literal as it is; a path's value when it is a
    /// string, a number or a boolean (its JSON text: <c>42</c> and <c>"42"</c> are the same key). Otherwise null with the
    /// reason in <paramref name="error"/>: the run is rejected, since routing such a node anywhere would be a guess.
    /// </summary>
    public static string? Resolve(string key, JsonElement? input, out string? error)
    {
        error = null;
        if (!IsPath(key))
            return key;
        var current = input;
        foreach (Match segment in SegmentPattern().Matches(key[1..]))
        {
            current = current is { } element ? Step(element, segment) : null;
            if (current is null)
            {
                error = $"routingKey {key}: the workflow input has no value at {key[..(segment.Index + segment.Length + 1)]}";
                return null;
            }
        }

        var value = current!.Value;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
        if (text is null)
            error = $"routingKey {key}: the workflow input has {Describe(value.ValueKind)} there; a key must be a string, a number or a boolean";
        else if (text.Length == 0)
            error = $"routingKey {key}: the workflow input has an empty string there";
        else if (text.Length > MaxLength)
            error = $"routingKey {key}: the value there is {text.Length} characters; at most {MaxLength} are allowed";
        return error is null ? text : null;
    }

    private static JsonElement? Step(JsonElement element, Match segment)
    {
        if (segment.Groups["name"].Success)
            return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(segment.Groups["name"].Value, out var property) ? property : null;
        var index = int.Parse(segment.Groups["index"].Value, CultureInfo.InvariantCulture);
        return element.ValueKind == JsonValueKind.Array && index < element.GetArrayLength() ? element[index] : null;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };

    [GeneratedRegex(@"^\$(\.[A-Za-z0-9_-]+|\[[0-9]{1,6}\])+$")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"\.(?<name>[A-Za-z0-9_-]+)|\[(?<index>[0-9]{1,6})\]")]
    private static partial Regex SegmentPattern();
}
