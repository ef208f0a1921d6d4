namespace SagaWorkflow.Persistence;

/// <summary>A lock that needs no release of its own (held by the transaction, or none taken).</summary>
internal sealed class NoLock : IAsyncDisposable
{
    public static readonly NoLock Instance = new();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
