using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Bench;

/// <summary>Records when each submitted id was sent and when its completion (Pong or WorkflowCompleted/Failed) arrived.</summary>
public sealed class Completions : IDisposable
{
    private readonly ConcurrentDictionary<Guid, long> _sent = new();
    private readonly ConcurrentDictionary<Guid, long> _done = new();
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected;

    private int _failed;

    public int Failed => _failed;

    public void CountFailure() => Interlocked.Increment(ref _failed);

    /// <summary>The first problem of a rejected workflow's definition, if one was rejected.</summary>
    public string? Rejection { get; private set; }

    public void Reject(Guid id, string problem)
    {
        Rejection ??= problem;
        CountFailure();
        Done(id);
    }

    public void Dispose() => _progress.Dispose();

    public void Expect(int count)
    {
        _sent.Clear();
        _done.Clear();
        _failed = 0;
        Rejection = null;
        _expected = count;
        _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Sent(Guid id) => _sent[id] = Stopwatch.GetTimestamp();

    public void Done(Guid id)
    {
        if (!_sent.ContainsKey(id) || !_done.TryAdd(id, Stopwatch.GetTimestamp()))
            return;
        _progress.Release();
        if (_done.Count >= _expected)
            _all.TrySetResult();
    }

    public Task All(TimeSpan timeout) => _all.Task.WaitAsync(timeout);

    private readonly SemaphoreSlim _progress = new(0);

    public bool IsDone(Guid id) => _done.ContainsKey(id);

    /// <summary>Waits for the next completion of any id (serial scenarios wait for theirs one at a time).</summary>
    public Task NextAsync(TimeSpan timeout) => _progress.WaitAsync(timeout);

    public (double Seconds, double P50Ms, double P99Ms) Measure()
    {
        var first = _sent.Values.Min();
        var last = _done.Values.Max();
        var latencies = _done.Select(d => Stopwatch.GetElapsedTime(_sent[d.Key], d.Value).TotalMilliseconds).Order().ToArray();
        return (Stopwatch.GetElapsedTime(first, last).TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

public sealed class PongConsumer(Completions completions) : IConsumer<Pong>
{
    public Task Consume(ConsumeContext<Pong> context)
    {
        completions.Done(context.Message.Id);
        return Task.CompletedTask;
    }
}

public sealed class PingConsumer : IConsumer<Ping>
{
    public Task Consume(ConsumeContext<Ping> context) => context.Publish(new Pong(context.Message.Id));
}

public sealed class WorkflowOutcomeConsumer(Completions completions) : IConsumer<WorkflowCompleted>, IConsumer<WorkflowFailed>, IConsumer<WorkflowRejected>
{
    // A definition the orchestrator refuses (e.g. more nodes than it allows) ends the wait at once, saying why.
    public Task Consume(ConsumeContext<WorkflowRejected> context)
    {
        completions.Reject(context.Message.WorkflowId, context.Message.Errors.Count > 0 ? context.Message.Errors[0].ToString() : "rejected");
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WorkflowCompleted> context)
    {
        completions.Done(context.Message.WorkflowId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WorkflowFailed> context)
    {
        completions.CountFailure();
        completions.Done(context.Message.WorkflowId);
        return Task.CompletedTask;
    }
}
