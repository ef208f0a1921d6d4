using System.Text.Json;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>How a run ended, with what the report prints for it.</summary>
public sealed record RunOutcome(string State, IReadOnlyDictionary<string, JsonElement>? Outputs = null, string? Error = null,
    IReadOnlyList<DefinitionError>? Errors = null);
