using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SagaWorkflow.Persistence.Outbox;

/// <summary>
/// Sends outbox rows to the broker and forgets them: this process's rows right after their commit, a dead owner's rows
/// for <see cref="OutboxRecovery"/>. Deletes of delivered rows are gathered and written together by the recovery loop
/// (one statement for many workflows' messages); a row whose send failed is kept for the loop to try again.
/// </summary>
public sealed class OutboxDelivery(IServiceProvider services, ILogger<OutboxDelivery> logger) : IDisposable
{
    private readonly ConcurrentQueue<Guid> _delivered = new();
    private readonly ConcurrentQueue<CapturedMessage> _failed = new();
    private readonly ConcurrentQueue<CapturedMessage> _unsure = new();
    // At most one wake-up pending: a burst of commits wakes the delete flush once, not once each.
    private readonly SemaphoreSlim _deliveredSignal = new(0, 1);
    private IBus? _bus;

    /// <summary>This process as an outbox owner: stamped on every row it writes.</summary>
    public Guid OwnerId { get; } = NewId.NextGuid();

    private IBus Bus => _bus ??= services.GetRequiredService<IBus>();

    /// <summary>Delivers messages this process committed (again, for ones refused before); ones the broker refuses are kept for the next poll.</summary>
    internal async Task DeliverCommittedAsync(IReadOnlyList<CapturedMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
            return;
        var outcomes = await SendAllAsync(messages, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < messages.Count; i++)
        {
            if (outcomes[i])
                _delivered.Enqueue(messages[i].Row.MessageId);
            else
                _failed.Enqueue(messages[i]);
        }

        WakeDeleteFlush();
    }

    /// <summary>
    /// How many sends of one commit are in flight at once. A wide fan-out's dispatch commits 10,000 commands: sent all at
    /// once they held 10,000 send contexts, confirm waits and serialized bodies alive together (12,000 send contexts in a
    /// heap dump of the orchestrator during the 9,998-child S7). Publisher confirms are pipelined on the channel, so a
    /// window of this size keeps the broker as busy as sending all at once did.
    /// </summary>
    internal const int SendWindow = 256;

    private async Task<bool[]> SendAllAsync(IReadOnlyList<CapturedMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count <= SendWindow)
            return await Task.WhenAll(messages.Select(message => TrySendAsync(message, cancellationToken))).ConfigureAwait(false);
        var outcomes = new bool[messages.Count];
        // TrySendAsync never throws (a failed send is kept for the next poll), so neither does the loop: its own token is none.
        await Parallel.ForEachAsync(Enumerable.Range(0, messages.Count), new ParallelOptions { MaxDegreeOfParallelism = SendWindow },
            async (i, _) => outcomes[i] = await TrySendAsync(messages[i], cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return outcomes;
    }

    private void WakeDeleteFlush()
    {
        try
        {
            if (_deliveredSignal.CurrentCount == 0)
                _deliveredSignal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another delivery woke it between the check and the release: one wake-up is all it needs.
        }
    }

    /// <summary>Delivers rows no transaction stored; a failure is thrown, for the message to be retried.</summary>
    internal Task DeliverUnstoredAsync(IReadOnlyList<CapturedMessage> messages, CancellationToken cancellationToken) =>
        messages.Count == 0 ? Task.CompletedTask : Task.WhenAll(messages.Select(message => message.SendAsync(Bus, cancellationToken)));

    /// <summary>Sends a stored row of another (dead) owner, byte for byte: same message id, headers, transport properties.</summary>
    internal async Task SendStoredAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        var envelope = new OutboxEnvelope(row);
        var endpoint = await Bus.GetSendEndpoint(envelope.Destination).ConfigureAwait(false);
        await endpoint.Send(new Stored(), new OutboxMessageSendPipe(envelope, envelope.Destination), cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> TrySendAsync(CapturedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await message.SendAsync(Bus, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Outbox message {MessageId} to {Destination} not delivered yet; tried again at the next outbox poll",
                message.Row.MessageId, message.Row.DestinationAddress);
            OutboxMetrics.DeliveryFailed();
            return false;
        }
    }

    /// <summary>Messages of a step that failed after writing them: sent by the loop only if their rows were committed.</summary>
    internal void DeliverIfCommitted(IEnumerable<CapturedMessage> messages)
    {
        foreach (var message in messages)
            _unsure.Enqueue(message);
    }

    /// <summary>Messages whose commit is in doubt, taken off the queue for the loop to look up.</summary>
    internal List<CapturedMessage> TakeUnsure()
    {
        var messages = new List<CapturedMessage>();
        while (_unsure.TryDequeue(out var message))
            messages.Add(message);
        return messages;
    }

    /// <summary>Puts messages back whose lookup failed (the database away).</summary>
    internal void ReturnUnsure(IEnumerable<CapturedMessage> messages) => DeliverIfCommitted(messages);

    /// <summary>Waits until some delivered rows wait to be deleted (or <paramref name="timeout"/> passes).</summary>
    internal Task<bool> WaitForDeliveredAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _deliveredSignal.WaitAsync(timeout, cancellationToken);

    /// <summary>Up to <paramref name="max"/> delivered rows' ids, taken off the queue.</summary>
    internal List<Guid> TakeDelivered(int max)
    {
        var ids = new List<Guid>();
        while (ids.Count < max && _delivered.TryDequeue(out var id))
            ids.Add(id);
        return ids;
    }

    /// <summary>Puts ids back whose delete failed (the database away), for the next flush.</summary>
    internal void ReturnDelivered(IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
            _delivered.Enqueue(id);
    }

    internal bool HasDelivered => !_delivered.IsEmpty;

    /// <summary>Rows whose send failed, taken off the queue for another try.</summary>
    internal List<CapturedMessage> TakeFailed()
    {
        var rows = new List<CapturedMessage>();
        while (_failed.TryDequeue(out var row))
            rows.Add(row);
        return rows;
    }

    public void Dispose() => _deliveredSignal.Dispose();

    // The body MassTransit's send pipe replaces with the stored envelope: only its type parameter is seen, by nobody.
    private sealed class Stored;
}
