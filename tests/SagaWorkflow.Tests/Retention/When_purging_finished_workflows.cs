using SagaWorkflow.Orchestrator.Retention;
using SagaWorkflow.Persistence;
using SagaWorkflow.Tests.Persistence;

namespace SagaWorkflow.Tests.Retention;

/// <summary>The purge's SQL on each store (SQLite, MySQL, PostgreSQL): what it deletes, in batches, and what it never touches.</summary>
public sealed class When_purging_finished_workflows
{
    private static readonly DateTime Now = new(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Old = Now.AddDays(-40);

    [Theory, Providers]
    public async Task Finished_workflows_older_than_the_cutoff_go_with_their_nodes_attempts_and_fires_and_nothing_else_does(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        var factory = database.Factory;
        var completed = await RetentionSeed.OneAsync(factory, "Completed", Old, Old);
        var failed = await RetentionSeed.OneAsync(factory, "Failed", Old.AddHours(1), Old);
        var cancelled = await RetentionSeed.OneAsync(factory, "Cancelled", Old.AddHours(2), Old);
        var young = await RetentionSeed.OneAsync(factory, "Completed", Now.AddDays(-1), Now.AddDays(-1));
        // Started long ago and still under way: no finish time, whatever their age.
        var running = await RetentionSeed.OneAsync(factory, "Running", null, Old.AddDays(-10));
        var paused = await RetentionSeed.OneAsync(factory, "Paused", null, Old.AddDays(-10));
        await RetentionSeed.FireAsync(factory, "nightly", Old, completed);
        await RetentionSeed.FireAsync(factory, "nightly", Now.AddDays(-1), young);
        await RetentionSeed.FireAsync(factory, "hourly", Old, workflowId: null);

        var purge = new WorkflowPurge(factory, TimeProvider.System);
        List<PurgeCounts> batches = [];
        var result = await purge.PurgeAsync(new PurgeFilter(Now.AddDays(-30)), batchSize: 2, budget: null, batches.Add, CancellationToken.None);

        Assert.Equal(new PurgeCounts(3, 6, 6, 1), result.Purged);
        Assert.True(result.Done);
        // Oldest first, at most two workflows per transaction.
        Assert.Equal([2L, 1L], batches.Select(b => b.Workflows));
        var left = await RetentionSeed.RemainingAsync(factory);
        Assert.Equal(new[] { young, running, paused }.Order(), left.Workflows.Order());
        Assert.Equal(left.Workflows.Order(), left.NodesOf.Order());
        Assert.Equal(left.Workflows.Order(), left.AttemptsOf.Order());
        Assert.Equal((6, 6), (left.Nodes, left.Attempts));
        // The young run's fire stays, and so does a skipped fire (it has no workflow).
        Assert.Equal(["hourly@none", "nightly@wf"], left.Fires);
        Assert.DoesNotContain(completed, left.Workflows);
        Assert.DoesNotContain(failed, left.Workflows);
        Assert.DoesNotContain(cancelled, left.Workflows);
    }

    [Theory, Providers]
    public async Task A_dry_run_counts_without_deleting_and_a_state_takes_only_that_state(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        var factory = database.Factory;
        var completed = await RetentionSeed.OneAsync(factory, "Completed", Old, Old);
        var failed = await RetentionSeed.OneAsync(factory, "Failed", Old, Old);
        await RetentionSeed.FireAsync(factory, "nightly", Old, failed);
        var purge = new WorkflowPurge(factory, TimeProvider.System);
        var cutoff = Now.AddDays(-7);

        var counted = await purge.CountAsync(new PurgeFilter(cutoff), CancellationToken.None);
        var countedFailed = await purge.CountAsync(new PurgeFilter(cutoff, "Failed"), CancellationToken.None);
        Assert.Equal(2, (await RetentionSeed.RemainingAsync(factory)).Workflows.Count);

        var result = await purge.PurgeAsync(new PurgeFilter(cutoff, "Failed"), batchSize: 100, budget: null, progress: null, CancellationToken.None);

        Assert.Equal(new PurgeCounts(2, 4, 4, 1), counted);
        Assert.Equal(new PurgeCounts(1, 2, 2, 1), countedFailed);
        Assert.Equal(countedFailed, result.Purged);
        Assert.Equal([completed], (await RetentionSeed.RemainingAsync(factory)).Workflows);
    }

    [Theory, Providers]
    public async Task A_run_retried_after_it_was_picked_keeps_its_rows_and_the_rest_of_the_batch_goes(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        var factory = database.Factory;
        var failed = await RetentionSeed.OneAsync(factory, "Failed", Old, Old);
        var completed = await RetentionSeed.OneAsync(factory, "Completed", Old, Old);
        var filter = new PurgeFilter(Now.AddDays(-30));
        // What a retry does to the row between the purge's pick and its lock: running again, no finish time.
        await using (var db = factory.Create())
        {
            var row = await db.Workflows.FindAsync(failed);
            row!.CurrentState = "Running";
            row.FinishedAt = null;
            await db.SaveChangesAsync();
        }

        PurgeCounts purged;
        await using (var db = factory.Create())
            purged = await WorkflowPurge.DeleteIfStillPurgeableAsync(db, filter, [failed, completed], CancellationToken.None);

        Assert.Equal(new PurgeCounts(1, 2, 2, 0), purged);
        var left = await RetentionSeed.RemainingAsync(factory);
        Assert.Equal([failed], left.Workflows);
        Assert.Equal([failed], left.NodesOf);
        Assert.Equal([failed], left.AttemptsOf);
    }
}
