namespace SagaWorkflow.ApiContracts;

/// <summary>A row of <c>GET /api/v1/definitions</c>.</summary>
public sealed record DefinitionSummary(string Name, int LatestVersion, int Versions, DateTime UpdatedAt);

/// <summary>What <c>PUT /api/v1/definitions/{name}</c> returns: the version the registry gave the stored definition.</summary>
public sealed record DefinitionStored(string Name, int Version, DateTime CreatedAt, string? CreatedBy);
