using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Persistence.Sagas;

namespace SagaWorkflow.Tests.LocalMode;

/// <summary>
/// Local mode (SQLite, in-memory bus) with more children than the outbox sends at once: every child runs once, every
/// command is delivered, and the results that arrive together are applied in shared transactions. Microsoft.Data.Sqlite
/// completes its async calls synchronously and the in-memory transport runs a consumer inline, so unless the saga's
/// transaction leader yields, each local transaction applied exactly one message.
/// </summary>
public sealed class When_a_wide_fan_out_runs_in_local_mode
{
    private const int Children = 300; // more than OutboxDelivery.SendWindow, so the dispatch's commit is sent in windows

    // Marks the measurements of this test's run: the run verb runs in this process, and its receive loops start in this
    // test's execution context, while other tests in parallel record to the same meter.
    private static readonly AsyncLocal<string?> RunMarker = new();

    [Fact]
    public async Task Every_child_runs_once_and_results_share_transactions()
    {
        using var run = new LocalRun();
        // Beside the run's data directory, in the run's own temporary directory (removed with it).
        var definitionPath = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(run.DatabasePath))!, "wide.json");
        await File.WriteAllTextAsync(definitionPath, WideFanOut());
        var marker = Guid.NewGuid().ToString();
        var batches = new ConcurrentQueue<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SagaBatchMetrics.MeterName && instrument.Name == "sagaworkflow.saga.batch_messages")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, messages, tags, _) =>
        {
            if (RunMarker.Value == marker && tags.ToArray().Any(t => t is { Key: "saga", Value: "WorkflowState" }))
                batches.Enqueue(messages);
        });
        listener.Start();
        RunMarker.Value = marker;

        var exitCode = await run.RunAsync(definitionPath);

        Assert.True(exitCode == ExitCodes.Ok, run.Output.ToString());
        Assert.Equal("Completed", Assert.Single(run.Query("SELECT current_state FROM workflow_instances"))[0]);
        var nodes = run.Query("SELECT state, attempt FROM workflow_nodes");
        Assert.Equal(Children + 2, nodes.Count);
        Assert.All(nodes, n => Assert.Equal(("succeeded", 1L), ((string)n[0]!, (long)n[1]!)));
        // One attempt row per node, each succeeded: nothing was dispatched or applied twice.
        Assert.Equal([[(long)Children + 2]], run.Query("SELECT COUNT(*) FROM node_attempts WHERE outcome = 'succeeded'"));
        Assert.Equal([[0L]], run.Query("SELECT COUNT(*) FROM outbox_messages"));
        // The 300 children's results alone are 300 messages; one transaction each would be over 300 transactions.
        Assert.NotEmpty(batches);
        Assert.True(batches.Count < Children / 2,
            $"{batches.Count} saga transactions applied {batches.Sum()} messages (largest {batches.Max()}): results did not share transactions");
    }

    private static string WideFanOut()
    {
        var nodes = new List<object> { new { id = "root", capability = "noop" } };
        nodes.AddRange(Enumerable.Range(0, Children).Select(i => new { id = $"c{i}", capability = "noop", dependsOn = new[] { "root" } }));
        nodes.Add(new { id = "join", capability = "noop", dependsOn = Enumerable.Range(0, Children).Select(i => $"c{i}").ToArray() });
        return JsonSerializer.Serialize(new { name = "wide-fan-out", nodes });
    }
}
