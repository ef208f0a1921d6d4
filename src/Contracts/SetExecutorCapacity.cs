namespace SagaWorkflow.Contracts;

/// <summary>
/// Command (published, as a request): the named executor runs at most <see cref="Concurrency"/> attempts at once per
/// node queue from now on, without a restart. Sent by the orchestrator's API (<c>PUT /api/v1/executors/{id}/capacity</c>);
/// every executor process hears it on its control queue, only the one with <see cref="ExecutorId"/> acts and answers
/// with <see cref="ExecutorCapacityChanged"/> or <see cref="ExecutorCapacityRefused"/>. Its heartbeats carry the new
/// value, so the registry shows it; a restart starts from configuration again.
/// </summary>
public sealed record SetExecutorCapacity
{
    public string ExecutorId { get; init; } = "";
    public int Concurrency { get; init; }
}
