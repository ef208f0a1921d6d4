using System.Text.Json;
using MassTransit;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// The body of <c>POST /api/v1/workflows</c>, read in one pass that notes every problem instead of stopping at the
/// first, so one 400 tells the client all it must fix. A named definition is only named here; the endpoint looks it up
/// once the body is sound.
/// </summary>
public sealed record SubmitRequest(Guid Id, JsonElement? Input, WorkflowDefinition? Inline, string? DefinitionName, int? DefinitionVersion)
{
    private const string Takes = "a submit takes 'definition' or 'definitionName' (+ optional 'definitionVersion'), 'input' and 'id'";

    /// <summary>
    /// Problems of the body go to <paramref name="problems"/>; those the validator finds in an inline definition go to
    /// <paramref name="definitionErrors"/>, so a body that is otherwise fine still gets the definition's own 400.
    /// </summary>
    public static SubmitRequest Read(JsonElement root, List<RequestProblem> problems, out IReadOnlyList<DefinitionError> definitionErrors)
    {
        problems.AddRange(RequestJson.UnknownProperties(root, Takes, RequestFields.Of<SubmitBody>()));
        var id = IdOf(root, problems);
        JsonElement? input = root.TryGetProperty("input", out var inputElement) && inputElement.ValueKind != JsonValueKind.Null ? inputElement.Clone() : null;
        // The run's input travels inside StartWorkflow and every ExecuteNode: nested too deep, those could not be serialized.
        if (input is { } given && WorkflowDefinitionValidator.MeasureInput(given).Depth is var depth && depth > WorkflowDefinitionValidator.MaxInputDepth)
            problems.Add(new RequestProblem("input", $"'input' is nested {depth} levels deep; at most {WorkflowDefinitionValidator.MaxInputDepth} are allowed."));
        definitionErrors = [];

        var inline = root.TryGetProperty("definition", out var definitionElement);
        var named = root.TryGetProperty("definitionName", out var nameElement);
        var hasVersion = root.TryGetProperty("definitionVersion", out var versionElement) && versionElement.ValueKind != JsonValueKind.Null;
        if (inline == named)
            problems.Add(new RequestProblem(inline ? "definitionName" : "definition",
                "Give exactly one of 'definition' (an inline workflow definition, format in docs/messages.md) or 'definitionName' (a registered one)."));
        string? name = null;
        if (named && (nameElement.ValueKind != JsonValueKind.String || (name = nameElement.GetString()) is not { Length: > 0 }))
            problems.Add(new RequestProblem("definitionName", $"'definitionName' must be a non-empty string; got {nameElement.GetRawText()}."));
        int? version = null;
        if (hasVersion && (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out var v) || v < 1))
            problems.Add(new RequestProblem("definitionVersion", $"'definitionVersion' must be a positive whole number; got {versionElement.GetRawText()}."));
        else if (hasVersion)
            version = versionElement.GetInt32();
        if (hasVersion && inline && !named)
            problems.Add(new RequestProblem("definitionVersion", "'definitionVersion' goes with 'definitionName', not with an inline 'definition'."));

        WorkflowDefinition? definition = null;
        if (inline && definitionElement.ValueKind != JsonValueKind.Object)
            problems.Add(new RequestProblem("definition", "'definition' must be a workflow definition object (the format is in docs/messages.md)."));
        else if (inline)
            definitionErrors = WorkflowDefinitionParser.ParseAndValidate(definitionElement.GetRawText(), out definition);
        return new SubmitRequest(id, input, definitionErrors.Count == 0 ? definition : null, name, version);
    }

    private static Guid IdOf(JsonElement root, List<RequestProblem> problems)
    {
        if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind == JsonValueKind.Null)
            return NewId.NextGuid();
        if (idElement.ValueKind == JsonValueKind.String && Guid.TryParse(idElement.GetString(), out var id) && id != Guid.Empty)
            return id;
        problems.Add(new RequestProblem("id", $"'id' must be a non-empty GUID string chosen by the client (for idempotent submit); got {idElement.GetRawText()}."));
        return Guid.Empty;
    }
}
