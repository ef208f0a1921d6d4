namespace SagaWorkflow.Bench;

/// <summary>S0 baseline: the client's command (the hop an ExecuteNode costs).</summary>
public sealed record Ping(Guid Id);

/// <summary>S0 baseline: the consumer's published answer (the hop a node result costs).</summary>
public sealed record Pong(Guid Id);
