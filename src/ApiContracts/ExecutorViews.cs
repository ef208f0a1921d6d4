namespace SagaWorkflow.ApiContracts;

/// <summary>A row of <c>GET /api/v1/executors</c>: the registry as the orchestrators see it.</summary>
public sealed record ExecutorView(
    string Id, string State, string[] Capabilities, string[] Pools, int Concurrency, int InFlight, string Host, string Version,
    DateTime? LastHeartbeatAt, long HeartbeatTimeoutMs, DateTime? LostAt, string? LostReason, DateTime? DrainRequestedAt, DateTime? DrainedAt);

/// <summary>What <c>POST /api/v1/executors/{id}/drain</c> returns; <see cref="Deadline"/> is a TimeSpan text, or null for none.</summary>
public sealed record DrainAnswer(string Id, string Status, string? Deadline);

/// <summary>
/// What <c>PUT /api/v1/executors/{id}/capacity</c> returns once the executor applied it: the new and previous value,
/// its ceiling, what ran at that moment and when (the executor's clock).
/// </summary>
public sealed record CapacityAnswer(string Id, int Concurrency, int Previous, int MaxConcurrency, int InFlight, DateTime AppliedAt);
