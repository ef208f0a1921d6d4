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
            db.Workflows.Add(new WorkflowState
            {
                CorrelationId = id, CurrentState = "Running", DefinitionName = "w", DefinitionVersion = 1, DefinitionJson = "{}",
                CreatedAt = TestNodes.At, UpdatedAt = TestNodes.At, Version = 1,
                Nodes = [TestNodes.In("a"), TestNodes.In("b"), TestNodes.In("c")],
            });
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
            ((ISagaWithOwnRows)saga).PrepareSave(db);
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
}
