using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.Contracts.Definitions;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Definitions;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// <c>/api/v1/definitions</c>: a registry of named definitions. Each PUT validates and stores a new version (the registry
/// numbers them); versions are immutable; a submit may name one (<c>definitionName</c>, optional <c>definitionVersion</c>).
/// </summary>
public static class DefinitionEndpoints
{
    public sealed record DefinitionVersion(int Version, DateTime CreatedAt, string? CreatedBy);

    public static RouteGroupBuilder MapDefinitionEndpoints(this RouteGroupBuilder api)
    {
        var definitions = api.MapGroup("/definitions");
        definitions.MapPut("/{name}", PutAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: true));
        definitions.MapGet("", ListAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        definitions.MapGet("/{name}", GetLatestAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        definitions.MapGet("/{name}/{version:int}", GetVersionAsync).AddEndpointFilter(new ApiKeyRequirement(mutating: false));
        return api;
    }

    /// <summary>The stored definition to run for a submit that names one: the given version, or the latest.</summary>
    public static async Task<(WorkflowDefinition? Definition, IResult? Problem)> ResolveAsync(WorkflowDbContext db, string name, int? version,
        CancellationToken cancellationToken)
    {
        var (definition, missing) = await StoredDefinitions.ResolveAsync(db, name, version, cancellationToken);
        return missing is null ? (definition, null) : (null, ApiProblems.NotFound($"{missing}; GET /api/v1/definitions lists what is registered."));
    }

    private static async Task<IResult> PutAsync(string name, HttpRequest request, HttpContext http, WorkflowDbContext db, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestJson.ReadObjectAsync(request, cancellationToken);
        if (problem is not null)
            return problem;
        JsonObject definition;
        using (body)
            definition = JsonNode.Parse(body!.RootElement.GetRawText())!.AsObject();
        if (definition["name"] is { } bodyName && (bodyName.GetValueKind() != JsonValueKind.String || bodyName.GetValue<string>() != name))
            return ApiProblems.BadRequest($"The body's name {bodyName.ToJsonString()} differs from the path's '{name}'; leave it out or make them equal.");
        // The registry assigns versions; a version in the body would only mislead.
        definition["name"] = name;
        definition.Remove("version");
        var errors = WorkflowDefinitionParser.ParseAndValidate(definition.ToJsonString(), out var parsed);
        if (errors.Count > 0)
            return ApiProblems.InvalidDefinition(errors);

        var createdBy = http.Items[ApiKeyRequirement.CallerItem] as string;
        var stored = await StoredDefinitions.AddNextVersionAsync(db, name, version => WorkflowDefinitionParser.ToJson(parsed! with { Version = version }),
            time.GetUtcNow().UtcDateTime, createdBy, cancellationToken);
        return Results.Created($"/api/v1/definitions/{Uri.EscapeDataString(name)}/{stored.Version}",
            new DefinitionStored(name, stored.Version, stored.CreatedAt, createdBy));
    }

    private static async Task<IResult> ListAsync(WorkflowDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Definitions.AsNoTracking().GroupBy(d => d.Name)
            .Select(g => new DefinitionSummary(g.Key, g.Max(d => d.Version), g.Count(), g.Max(d => d.CreatedAt)))
            .ToListAsync(cancellationToken);
        return Results.Ok(rows.OrderBy(r => r.Name, StringComparer.Ordinal).ToList());
    }

    private static async Task<IResult> GetLatestAsync(string name, WorkflowDbContext db, CancellationToken cancellationToken)
    {
        var versions = await db.Definitions.AsNoTracking().Where(d => d.Name == name).OrderBy(d => d.Version)
            .Select(d => new DefinitionVersion(d.Version, d.CreatedAt, d.CreatedBy)).ToListAsync(cancellationToken);
        if (versions.Count == 0)
            return ApiProblems.NotFound($"No definition named '{name}' is registered.");
        var latest = versions[^1].Version;
        return Results.Ok(new { name, latestVersion = latest, versions, definition = await DefinitionJsonAsync(db, name, latest, cancellationToken) });
    }

    private static async Task<IResult> GetVersionAsync(string name, int version, WorkflowDbContext db, CancellationToken cancellationToken)
    {
        var stored = await db.Definitions.AsNoTracking().SingleOrDefaultAsync(d => d.Name == name && d.Version == version, cancellationToken);
        return stored is null
            ? ApiProblems.NotFound($"Definition '{name}' has no version {version}.")
            : Results.Ok(new { name, version, stored.CreatedAt, stored.CreatedBy, definition = JsonDocument.Parse(stored.DefinitionJson).RootElement.Clone() });
    }

    private static async Task<JsonElement> DefinitionJsonAsync(WorkflowDbContext db, string name, int version, CancellationToken cancellationToken) =>
        JsonDocument.Parse(await db.Definitions.AsNoTracking().Where(d => d.Name == name && d.Version == version).Select(d => d.DefinitionJson)
            .SingleAsync(cancellationToken)).RootElement.Clone();
}
