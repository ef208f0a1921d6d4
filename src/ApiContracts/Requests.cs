using System.Text.Json;

namespace SagaWorkflow.ApiContracts;

// Request bodies. The API reads them field by field so one 400 lists every problem (a typed binder stops at the first);
// the names it accepts come from these records (RequestFields.Of), so a client built on them and the API cannot drift.

/// <summary><c>POST /api/v1/workflows</c>: exactly one of <see cref="Definition"/> (inline) or <see cref="DefinitionName"/>.</summary>
public sealed record SubmitBody(Guid? Id = null, JsonElement? Definition = null, string? DefinitionName = null, int? DefinitionVersion = null,
    JsonElement? Input = null);

/// <summary><c>POST /api/v1/workflows/{id}/cancel|pause|resume|retry</c>.</summary>
public sealed record ControlBody(string? Reason = null);

/// <summary><c>POST /api/v1/workflows/{id}/nodes/{nodeId}/resolve</c>: succeed (optionally with output), retry or fail.</summary>
public sealed record ResolveBody(string Decision, JsonElement? Output = null, string? Reason = null);

/// <summary><c>POST /api/v1/executors/{id}/drain</c>: <see cref="Deadline"/> as in definitions (<c>30s</c>, <c>5m</c>).</summary>
public sealed record DrainBody(string? Deadline = null, string? Reason = null);

/// <summary>The JSON property names of a request record as the API reads them (camelCase, as ASP.NET and the client write them).</summary>
public static class RequestFields
{
    public static string[] Of<T>() =>
        [.. typeof(T).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))];
}

/// <summary><c>PUT /api/v1/executors/{id}/capacity</c>: attempts the executor runs at once per queue, 1-1000.</summary>
public sealed record CapacityBody(int Concurrency);
