namespace SagaWorkflow.Persistence.Sagas;

/// <summary>
/// The open <see cref="SagaBatch{TSaga}"/> of each saga in this process (one per host: a DI singleton, while
/// MassTransit creates repository context factories per message).
/// </summary>
public sealed class SagaBatches<TSaga>
    where TSaga : class, IVersionedSaga
{
    private readonly Dictionary<Guid, SagaBatch<TSaga>> _open = [];

    /// <summary>Queues the member on the saga's open batch and returns null, or opens a batch it leads and returns that.</summary>
    internal SagaBatch<TSaga>? Join(Guid? correlationId, SagaBatchMember<TSaga> member)
    {
        if (correlationId is not { } id)
            return new SagaBatch<TSaga>();
        lock (_open)
        {
            if (_open.TryGetValue(id, out var open))
            {
                open.Enqueue(member);
                return null;
            }
            return _open[id] = new SagaBatch<TSaga>();
        }
    }

    /// <summary>The next waiting member, or null after closing the batch (later messages open a new one).</summary>
    internal SagaBatchMember<TSaga>? Next(Guid? correlationId, SagaBatch<TSaga> batch)
    {
        if (correlationId is not { } id)
            return null;
        lock (_open)
        {
            var member = batch.Dequeue();
            if (member is null && _open.TryGetValue(id, out var open) && ReferenceEquals(open, batch))
                _open.Remove(id);
            return member;
        }
    }
}
