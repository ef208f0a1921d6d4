using Microsoft.EntityFrameworkCore;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Sagas;
using SagaWorkflow.Persistence.Workflows;
using SagaWorkflow.Tests.Workflows;

namespace SagaWorkflow.Tests.Persistence;

/// <summary>
/// The workflow saga tells EF which rows it changed (EF's scan of every tracked row made wide runs quadratic): a save
/// writes the workflow row and the changed node rows with their attempts, and leaves every other node row alone.
/// </summary>
public sealed class When_a_saga_saves_what_changed
{
    [Theory, Providers]
    public async Task Only_the_changed_node_rows_are_written_and_a_loaded_row_counts_as_unchanged(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        var id = Guid.NewGuid();
        await using (var db = database.Factory.Create())
        {
            db.Workflows.Add(Running(id, TestNodes.In("a"), TestNodes.In("b"), TestNodes.In("c")));
            await db.SaveChangesAsync();
        }

        await using (var db = database.Factory.Create())
        {
            var saga = (await new WorkflowRowLoader().LoadAsync(db, id, CancellationToken.None))!;
            Assert.All(saga.Nodes, n => Assert.False(n.Unsaved, $"node {n.NodeId} was loaded, not changed"));

            // Another writer changes node a behind this context's back: a save that wrote every row would overwrite it.
            await db.Database.ExecuteSqlRawAsync($"UPDATE workflow_nodes SET error = 'written elsewhere' WHERE node_id = 'a'");
            saga.Nodes.Find("b")!.Dispatch(TestNodes.At.AddSeconds(1), waitingReason: null);
            saga.UpdatedAt = TestNodes.At.AddSeconds(1);
            saga.Version++;
            Assert.True(saga.Nodes.Find("b")!.Unsaved);

            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await ((ISagaWithOwnRows)saga).PrepareSaveAsync(db, CancellationToken.None);
            await db.SaveChangesAsync();
            ((ISagaWithOwnRows)saga).Saved();
            Assert.All(saga.Nodes, n => Assert.False(n.Unsaved, $"node {n.NodeId} was saved"));
        }

        await using (var db = database.Factory.Create())
        {
            var nodes = await db.Set<WorkflowNodeState>().AsNoTracking().OrderBy(n => n.Ordinal).ToListAsync();
            Assert.Equal(["written elsewhere", null, null], nodes.Select(n => n.Error));
            Assert.Equal([NodeStatus.Pending, NodeStatus.Dispatched, NodeStatus.Pending], nodes.Select(n => n.State));
            var workflow = await db.Workflows.AsNoTracking().SingleAsync();
            Assert.Equal((2, TestNodes.At.AddSeconds(1)), (workflow.Version, workflow.UpdatedAt));
            var attempt = Assert.Single(await db.Set<NodeAttempt>().AsNoTracking().ToListAsync());
            Assert.Equal(("b", 1, AttemptOutcomes.Dispatched), (attempt.NodeId, attempt.Attempt, attempt.Outcome));
        }
    }

    [Theory, Providers]
    public async Task A_late_result_marks_a_superseded_attempt_and_leaves_one_that_ended_as_it_ended(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        var id = Guid.NewGuid();
        await using (var db = database.Factory.Create())
        {
            db.Workflows.Add(Running(id, TestNodes.In("timed", NodeStatus.Running, attempt: 2), TestNodes.In("lost", NodeStatus.Running, attempt: 2)));
            // Attempt 1 of each as an earlier process stored it: one timed out (retried), one's executor was lost.
            db.Add(new NodeAttempt { WorkflowId = id, NodeId = "timed", Attempt = 1, Outcome = AttemptOutcomes.TimedOut, ExecutorId = "executor-1" });
            db.Add(new NodeAttempt { WorkflowId = id, NodeId = "lost", Attempt = 1, Outcome = AttemptOutcomes.Lost, ExecutorId = "executor-1" });
            await db.SaveChangesAsync();
        }

        await using (var db = database.Factory.Create())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var saga = (await new WorkflowRowLoader().LoadAsync(db, id, CancellationToken.None))!;
            // The timed-out attempt's executor reports its cancel after the retry started; the lost one's finished late.
            saga.Nodes.Find("timed")!.RecordLateResult(1, AttemptOutcomes.Failed, "executor-1", "cancelled while running", TestNodes.At);
            saga.Nodes.Find("lost")!.RecordLateResult(1, AttemptOutcomes.Succeeded, "executor-1", null, TestNodes.At);
            saga.Version++;

            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await ((ISagaWithOwnRows)saga).PrepareSaveAsync(db, CancellationToken.None);
            await db.SaveChangesAsync();
            await ((ISagaWithOwnRows)saga).WriteAfterSaveAsync(db, CancellationToken.None);
            ((ISagaWithOwnRows)saga).Saved();
            await transaction.CommitAsync();
        }

        await using (var db = database.Factory.Create())
        {
            var attempts = await db.Set<NodeAttempt>().AsNoTracking().OrderBy(a => a.NodeId).ToListAsync();
            Assert.Equal([("lost", AttemptOutcomes.Succeeded, true), ("timed", AttemptOutcomes.TimedOut, false)],
                attempts.Select(a => (a.NodeId, a.Outcome, a.ArrivedLate)));
        }
    }

    [Theory, Providers]
    public async Task Nodes_dispatched_alike_are_written_together_and_a_later_save_writes_only_what_changes_next(DatabaseProvider provider)
    {
        const int alike = 40; // above NodeUpdatesInGroups.MinimumGroup
        await using var database = await ScratchDatabase.CreateAsync(provider);
        var id = Guid.NewGuid();
        var ids = Enumerable.Range(0, alike).Select(i => $"c{i}").ToArray();
        await using (var db = database.Factory.Create())
        {
            db.Workflows.Add(Running(id, [.. ids.Select(n => TestNodes.In(n)), TestNodes.In("waits"), TestNodes.In("idle")]));
            await db.SaveChangesAsync();
        }

        var dispatchedAt = TestNodes.At.AddSeconds(1);
        await using (var db = database.Factory.Create())
        {
            var saga = (await new WorkflowRowLoader().LoadAsync(db, id, CancellationToken.None))!;
            // Written behind this context's back: a statement that wrote every column of the grouped rows would undo it.
            await db.Database.ExecuteSqlRawAsync("UPDATE workflow_nodes SET error = 'written elsewhere' WHERE node_id IN ('c7', 'idle')");
            foreach (var node in ids)
                saga.Nodes.Find(node)!.Dispatch(dispatchedAt, waitingReason: null);
            saga.Nodes.Find("waits")!.Dispatch(dispatchedAt, waitingReason: "no executor online");
            saga.Version++;
            await SaveAsync(db, saga);

            // The same context's next save: the grouped rows count as saved, so only what changes now is written.
            await db.Database.ExecuteSqlRawAsync("UPDATE workflow_nodes SET error = 'written elsewhere again' WHERE node_id = 'c8'");
            saga.Nodes.Find("c7")!.Start("executor-1", dispatchedAt.AddSeconds(1));
            saga.Version++;
            await SaveAsync(db, saga);
        }

        await using (var db = database.Factory.Create())
        {
            var nodes = (await db.Set<WorkflowNodeState>().AsNoTracking().ToListAsync()).ToDictionary(n => n.NodeId);
            Assert.All(ids.Where(n => n is not "c7"), n => Assert.Equal((NodeStatus.Dispatched, 1, dispatchedAt, (string?)null),
                (nodes[n].State, nodes[n].Attempt, nodes[n].DispatchedAt, nodes[n].WaitingReason)));
            Assert.Equal((NodeStatus.Running, "executor-1", "written elsewhere"), (nodes["c7"].State, nodes["c7"].ExecutorId, nodes["c7"].Error));
            Assert.Equal("written elsewhere again", nodes["c8"].Error);
            Assert.Equal((NodeStatus.Dispatched, "no executor online"), (nodes["waits"].State, nodes["waits"].WaitingReason));
            Assert.Equal((NodeStatus.Pending, 0, "written elsewhere"), (nodes["idle"].State, nodes["idle"].Attempt, nodes["idle"].Error));
            var attempts = await db.Set<NodeAttempt>().AsNoTracking().ToListAsync();
            Assert.Equal(alike + 1, attempts.Count);
            Assert.Equal(AttemptOutcomes.Running, Assert.Single(attempts, a => a.NodeId == "c7").Outcome);
            Assert.Equal(3, (await db.Workflows.AsNoTracking().SingleAsync()).Version);
        }
    }

    private static async Task SaveAsync(WorkflowDbContext db, WorkflowState saga)
    {
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await ((ISagaWithOwnRows)saga).PrepareSaveAsync(db, CancellationToken.None);
        await db.SaveChangesAsync();
        ((ISagaWithOwnRows)saga).Saved();
        db.ChangeTracker.AutoDetectChangesEnabled = true;
    }

    /// <summary>A running workflow of these nodes, version 1, as the tests store it before they load it back.</summary>
    private static WorkflowState Running(Guid id, params WorkflowNodeState[] nodes) => new()
    {
        CorrelationId = id, CurrentState = "Running", DefinitionName = "w", DefinitionVersion = 1, DefinitionJson = "{}",
        CreatedAt = TestNodes.At, UpdatedAt = TestNodes.At, Version = 1, Nodes = [.. nodes],
    };
}
