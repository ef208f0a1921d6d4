using System.Diagnostics;
using System.Globalization;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Persistence;
using SagaWorkflow.Tests.Integration;
using SagaWorkflow.Tests.Persistence;
using Xunit.Abstractions;

namespace SagaWorkflow.Tests.Retention;

/// <summary>
/// Issue 17: 100,000 finished workflows (and as many nodes and attempts) purged through <c>sagaflow purge</c> on each store
/// while the API is read, and nothing younger or unfinished touched. The API's latency meanwhile is printed, not asserted
/// (docs/benchmarks.md keeps the figures). The purge keeps the database server busy, so it runs in the Load collection.
/// The same SQL on SQLite is covered with a few rows (<see cref="When_purging_finished_workflows"/>).
/// </summary>
[Collection(IntegrationCollections.Load)]
public sealed class When_purging_a_hundred_thousand_workflows(ITestOutputHelper output)
{
    private const int Count = 100_000;

    [IntegrationTheory, Stores]
    public async Task The_cli_purges_them_all_in_batches_and_leaves_young_running_and_paused_ones(Store store)
    {
        var provider = store == Store.MySql ? DatabaseProvider.MySql : DatabaseProvider.Postgres;
        await using var database = await ScratchDatabase.CreateAsync(provider);
        var factory = database.Factory;
        var now = DateTime.UtcNow;
        var seeding = Stopwatch.StartNew();
        await using (var db = factory.Create())
            await RetentionSeed.BulkFinishedAsync(db, provider, Count, now.AddDays(-60));
        var young = await RetentionSeed.OneAsync(factory, "Failed", now.AddDays(-2), now.AddDays(-2));
        var running = await RetentionSeed.OneAsync(factory, "Running", null, now.AddDays(-90));
        var paused = await RetentionSeed.OneAsync(factory, "Paused", null, now.AddDays(-90));
        await RetentionSeed.FireAsync(factory, "nightly", now.AddDays(-60), RetentionSeed.BulkId(7));
        await RetentionSeed.FireAsync(factory, "nightly", now.AddDays(-2), young);
        output.WriteLine($"{provider}: seeded {Count} workflows, {Count} nodes, {Count} attempts in {seeding.Elapsed.TotalSeconds:0.0} s");
        await using var host = await RetentionHost.StartAsync(database);

        await ReadLatenciesAsync(host, TimeSpan.FromSeconds(2), CancellationToken.None); // warm-up: the first requests compile and connect
        var idle = await ReadLatenciesAsync(host, TimeSpan.FromSeconds(2), CancellationToken.None);
        using var purging = new CancellationTokenSource();
        var reads = ReadLatenciesAsync(host, TimeSpan.MaxValue, purging.Token);
        var purgeTime = Stopwatch.StartNew();
        var (exit, text, errors) = await host.SagaflowAsync("purge", "--older-than", "30d");
        purgeTime.Stop();
        await purging.CancelAsync();
        var during = await reads;
        output.WriteLine($"{provider}: purge took {purgeTime.Elapsed.TotalSeconds:0.0} s; GET /api/v1/workflows?limit=50 idle {Describe(idle)}; " +
            $"while purging {Describe(during)}");
        output.WriteLine(text);

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}: {errors}\n{text}");
        var summary = text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Matches($"^purged {Count} workflow\\(s\\) Completed/Failed/Cancelled that finished before .* UTC: {Count} node\\(s\\), {Count} attempt\\(s\\), " +
            "1 schedule fire\\(s\\) in 100 batch\\(es\\)$", summary);
        var left = await RetentionSeed.RemainingAsync(factory);
        Assert.Equal(new[] { young, running, paused }.Order(), left.Workflows.Order());
        Assert.Equal(left.Workflows.Order(), left.NodesOf.Order());
        Assert.Equal(left.Workflows.Order(), left.AttemptsOf.Order());
        Assert.Equal((6, 6), (left.Nodes, left.Attempts));
        Assert.Equal(["nightly@wf"], left.Fires);
    }

    /// <summary>
    /// Times GETs of the workflow list, one every 50 ms as a dashboard polling it would (never two at once), for
    /// <paramref name="span"/> or until cancelled.
    /// </summary>
    private static async Task<List<double>> ReadLatenciesAsync(RetentionHost host, TimeSpan span, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var started = Stopwatch.StartNew();
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (started.Elapsed < span && await Paced(pace, cancellationToken))
        {
            var one = Stopwatch.StartNew();
            using var response = await host.Anonymous.GetAsync("/api/v1/workflows?limit=50", CancellationToken.None);
            response.EnsureSuccessStatusCode();
            latencies.Add(one.Elapsed.TotalMilliseconds);
        }

        return latencies;
    }

    private static async Task<bool> Paced(PeriodicTimer pace, CancellationToken cancellationToken)
    {
        try
        {
            return await pace.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string Describe(List<double> latencies)
    {
        if (latencies.Count == 0)
            return "no reads";
        var sorted = latencies.Order().ToList();
        string At(double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))].ToString("0.0", CultureInfo.InvariantCulture);
        return $"{sorted.Count} reads, p50 {At(0.5)} ms, p95 {At(0.95)} ms, max {sorted[^1].ToString("0.0", CultureInfo.InvariantCulture)} ms";
    }
}
