using SagaWorkflow.Tests.Workflows;
using SagaWorkflow.Orchestrator.Recovery;
using SagaWorkflow.Persistence;
using SagaWorkflow.Persistence.Executors;
using SagaWorkflow.Persistence.Workflows;

namespace SagaWorkflow.Tests.Persistence;

/// <summary>The sweeper's queries against real databases (SQLite, MySQL, PostgreSQL): which nodes count as lost work.</summary>
public sealed class When_the_sweeper_looks_for_lost_work
{
    private static readonly DateTime Now = new(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc);
    private WorkflowDbContextFactory _factory = null!;

    [Theory, Providers]
    public async Task A_retry_overdue_in_a_running_workflow_is_found_but_not_one_still_due_or_held_by_a_pause(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        _factory = database.Factory;
        var lost = await AddAsync("Running", Now.AddMinutes(-2), attempt: 2);
        await AddAsync("Running", Now.AddSeconds(10), attempt: 1);
        await AddAsync("Paused", Now.AddMinutes(-2), attempt: 1);

        await using var db = _factory.Create();
        var overdue = await StaleDispatchSweeper.OverdueRetriesAsync(db, Now.AddSeconds(-30), CancellationToken.None);

        var retry = Assert.Single(overdue);
        Assert.Equal((lost, "r", 2), (retry.WorkflowId, retry.NodeId, retry.Attempt));
    }

    [Theory, Providers]
    public async Task Nodes_left_running_on_an_executor_lost_or_stopped_past_the_grace_are_found_grouped_by_workflow_and_executor(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        _factory = database.Factory;
        await AddExecutorAsync("lost-long-ago", "Lost", Now.AddMinutes(-1));
        await AddExecutorAsync("stopped-long-ago", "Stopped", Now.AddMinutes(-1));
        await AddExecutorAsync("lost-just-now", "Lost", Now.AddSeconds(-1));
        await AddExecutorAsync("online", "Online", null);
        var orphaned = await AddRunningAsync(("a", "lost-long-ago", 2), ("b", "lost-long-ago", 1), ("c", "stopped-long-ago", 1));
        await AddRunningAsync(("a", "lost-just-now", 1), ("b", "online", 1));
        await AddRunningAsync(("a", "never-registered", 1));

        await using var db = _factory.Create();
        var found = await StaleDispatchSweeper.OrphanedAttemptsAsync(db, Now.AddSeconds(-15), CancellationToken.None);

        Assert.All(found, r => Assert.Equal(orphaned, r.WorkflowId));
        var lost = Assert.Single(found, r => r.ExecutorId == "lost-long-ago");
        Assert.Equal(["a/2", "b/1"], lost.Attempts.Select(a => $"{a.NodeId}/{a.Attempt}").Order());
        var stopped = Assert.Single(found, r => r.ExecutorId == "stopped-long-ago");
        Assert.Equal("c", Assert.Single(stopped.Attempts).NodeId);
        Assert.Equal(2, found.Count);
    }

    [Theory, Providers]
    public async Task Sticky_nodes_still_queued_for_an_executor_lost_or_stopped_past_the_grace_are_found(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        _factory = database.Factory;
        await AddExecutorAsync("lost-long-ago", "Lost", Now.AddMinutes(-1));
        await AddExecutorAsync("online", "Online", null);
        var orphaned = await AddRoutedAsync(("a", "lost-long-ago"), ("b", "online"));

        await using var db = _factory.Create();
        var found = await StaleDispatchSweeper.OrphanedAttemptsAsync(db, Now.AddSeconds(-15), CancellationToken.None);

        var reassign = Assert.Single(found);
        Assert.Equal((orphaned, "lost-long-ago"), (reassign.WorkflowId, reassign.ExecutorId));
        var attempt = Assert.Single(reassign.Attempts);
        Assert.Equal(("a", 1), (attempt.NodeId, attempt.Attempt));
    }

    // Nodes sticky routing sent to these executors' own queues, never started.
    private async Task<Guid> AddRoutedAsync(params (string Node, string Executor)[] nodes)
    {
        await using var db = _factory.Create();
        var workflow = new WorkflowState
        {
            CorrelationId = Guid.NewGuid(), CurrentState = "Running", DefinitionName = "w", DefinitionVersion = 1, DefinitionJson = "{}",
            CreatedAt = Now, UpdatedAt = Now, Version = 1,
            Nodes = new(nodes.Select(n => TestNodes.In(n.Node, NodeStatus.Dispatched, 1, capability: "http", dispatchedAt: Now.AddMinutes(-2), routedTo: n.Executor))),
        };
        db.Workflows.Add(workflow);
        await db.SaveChangesAsync();
        return workflow.CorrelationId;
    }

    [Theory, Providers]
    public async Task A_node_behind_a_moving_backlog_is_left_alone_but_one_passed_by_a_later_node_or_in_an_idle_queue_is_found(DatabaseProvider provider)
    {
        await using var database = await ScratchDatabase.CreateAsync(provider);
        _factory = database.Factory;
        var cutoff = Now.AddMinutes(-2);
        // Queue "busy": work dispatched 10 minutes ago still starting now (a backlog, first in first out). The node
        // dispatched 5 minutes ago waits its turn; nothing dispatched after it has started.
        await AddNodeAsync("busy", NodeStatus.Running, dispatched: Now.AddMinutes(-10), started: Now.AddSeconds(-1));
        var queued = await AddNodeAsync("busy", NodeStatus.Dispatched, dispatched: Now.AddMinutes(-5));
        // Queue "passed": a node dispatched after the stale one has started, so the stale one's command is gone.
        var passed = await AddNodeAsync("passed", NodeStatus.Dispatched, dispatched: Now.AddMinutes(-5));
        await AddNodeAsync("passed", NodeStatus.Succeeded, dispatched: Now.AddMinutes(-4), started: Now.AddMinutes(-4));
        // Queue "idle": nothing started there for longer than the cutoff, so the node is not waiting behind anything.
        await AddNodeAsync("idle", NodeStatus.Succeeded, dispatched: Now.AddMinutes(-30), started: Now.AddMinutes(-30));
        var idle = await AddNodeAsync("idle", NodeStatus.Dispatched, dispatched: Now.AddMinutes(-5));

        await using var db = _factory.Create();
        var found = await StaleDispatchSweeper.StaleDispatchesAsync(db, cutoff, CancellationToken.None);

        Assert.Equal(new[] { passed, idle }.Order(), found.Select(r => r.WorkflowId).Order());
        Assert.DoesNotContain(found, r => r.WorkflowId == queued);
    }

    private async Task<Guid> AddNodeAsync(string capability, NodeStatus state, DateTime dispatched, DateTime? started = null)
    {
        await using var db = _factory.Create();
        var workflow = new WorkflowState
        {
            CorrelationId = Guid.NewGuid(), CurrentState = "Running", DefinitionName = "w", DefinitionVersion = 1, DefinitionJson = "{}",
            CreatedAt = Now, UpdatedAt = Now, Version = 1,
            Nodes = [TestNodes.In("n", state, 1, capability: capability, maxAttempts: 3, dispatchedAt: dispatched, startedAt: started)],
        };
        db.Workflows.Add(workflow);
        await db.SaveChangesAsync();
        return workflow.CorrelationId;
    }

    private async Task AddExecutorAsync(string id, string state, DateTime? at)
    {
        await using var db = _factory.Create();
        db.Executors.Add(new ExecutorState
        {
            CorrelationId = Guid.NewGuid(), ExecutorId = id, CurrentState = state, FirstSeenAt = Now.AddHours(-1), Version = 1,
            LostAt = state == "Lost" ? at : null, StoppedAt = state == "Stopped" ? at : null,
        });
        await db.SaveChangesAsync();
    }

    private async Task<Guid> AddRunningAsync(params (string Node, string Executor, int Attempt)[] nodes)
    {
        await using var db = _factory.Create();
        var workflow = new WorkflowState
        {
            CorrelationId = Guid.NewGuid(), CurrentState = "Running", DefinitionName = "w", DefinitionVersion = 1, DefinitionJson = "{}",
            CreatedAt = Now, UpdatedAt = Now, Version = 1,
            Nodes = new(nodes.Select(n => TestNodes.In(n.Node, NodeStatus.Running, n.Attempt, capability: "http", maxAttempts: 3,
                executorId: n.Executor, dispatchedAt: Now.AddMinutes(-2)))),
        };
        db.Workflows.Add(workflow);
        await db.SaveChangesAsync();
        return workflow.CorrelationId;
    }

    private async Task<Guid> AddAsync(string state, DateTime nextAttemptAt, int attempt)
    {
        await using var db = _factory.Create();
        var workflow = new WorkflowState
        {
            CorrelationId = Guid.NewGuid(), CurrentState = state, DefinitionName = "w", DefinitionVersion = 1, DefinitionJson = "{}",
            CreatedAt = Now, UpdatedAt = Now, Version = 1,
            Nodes = [TestNodes.In("r", NodeStatus.Retrying, attempt, capability: "http", maxAttempts: 3 + attempt, nextAttemptAt: nextAttemptAt)],
        };
        db.Workflows.Add(workflow);
        await db.SaveChangesAsync();
        return workflow.CorrelationId;
    }
}
