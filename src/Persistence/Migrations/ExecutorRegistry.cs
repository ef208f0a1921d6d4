using Microsoft.EntityFrameworkCore.Migrations;

namespace SagaWorkflow.Persistence.Migrations;

/// <summary>
/// Failover: the <c>executors</c> registry, the <c>node_attempts</c> history, and per-node failover columns
/// (policy on executor loss, failover count, waiting reason, pool / executor targeting).
/// </summary>
internal static class ExecutorRegistry
{
    public static void Up(MigrationBuilder m)
    {
        m.AddColumn<string>(name: "on_executor_lost", table: "workflow_nodes", maxLength: 16, nullable: false, defaultValue: "redispatch");
        m.AddColumn<int>(name: "failovers", table: "workflow_nodes", nullable: false, defaultValue: 0);
        m.AddColumn<string>(name: "waiting_reason", table: "workflow_nodes", maxLength: 300, nullable: true);
        m.AddColumn<string>(name: "pool", table: "workflow_nodes", maxLength: 100, nullable: true);
        m.AddColumn<string>(name: "target_executor", table: "workflow_nodes", maxLength: 200, nullable: true);

        m.CreateTable(
            name: "node_attempts",
            columns: t => new
            {
                workflow_id = t.Column<Guid>(nullable: false),
                node_id = t.Column<string>(maxLength: 100, nullable: false),
                attempt = t.Column<int>(nullable: false),
                executor_id = t.Column<string>(maxLength: 200, nullable: true),
                redelivered_from = t.Column<string>(maxLength: 200, nullable: true),
                outcome = t.Column<string>(maxLength: 16, nullable: false),
                error = t.Column<string>(nullable: true),
                superseded_reason = t.Column<string>(maxLength: 500, nullable: true),
                arrived_late = t.Column<bool>(nullable: false),
                dispatched_at = t.Column<DateTime>(nullable: false),
                started_at = t.Column<DateTime>(nullable: true),
                finished_at = t.Column<DateTime>(nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_node_attempts", x => new { x.workflow_id, x.node_id, x.attempt }));
        m.CreateIndex("ix_node_attempts_executor_id", "node_attempts", "executor_id");

        m.CreateTable(
            name: "executors",
            columns: t => new
            {
                correlation_id = t.Column<Guid>(nullable: false),
                executor_id = t.Column<string>(maxLength: 200, nullable: false),
                instance_id = t.Column<Guid>(nullable: false),
                current_state = t.Column<string>(maxLength: 64, nullable: false),
                capabilities = t.Column<string>(maxLength: 1000, nullable: false),
                pools = t.Column<string>(maxLength: 1000, nullable: false),
                concurrency = t.Column<int>(nullable: false),
                host = t.Column<string>(maxLength: 200, nullable: false),
                agent_version = t.Column<string>(maxLength: 64, nullable: false),
                in_flight_count = t.Column<int>(nullable: false),
                in_flight_json = t.Column<string>(nullable: false),
                heartbeat_interval_ms = t.Column<long>(nullable: false),
                heartbeat_timeout_ms = t.Column<long>(nullable: false),
                first_seen_at = t.Column<DateTime>(nullable: false),
                started_at = t.Column<DateTime>(nullable: true),
                last_heartbeat_at = t.Column<DateTime>(nullable: true),
                lost_at = t.Column<DateTime>(nullable: true),
                stopped_at = t.Column<DateTime>(nullable: true),
                drain_requested_at = t.Column<DateTime>(nullable: true),
                drained_at = t.Column<DateTime>(nullable: true),
                lost_reason = t.Column<string>(maxLength: 500, nullable: true),
                heartbeat_timeout_token_id = t.Column<Guid>(nullable: true),
                version = t.Column<int>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_executors", x => x.correlation_id));
        m.CreateIndex("ix_executors_executor_id", "executors", "executor_id", unique: true);
        m.CreateIndex("ix_executors_current_state", "executors", "current_state");
    }

    public static void Down(MigrationBuilder m)
    {
        m.DropTable("executors");
        m.DropTable("node_attempts");
        m.DropColumn(name: "target_executor", table: "workflow_nodes");
        m.DropColumn(name: "pool", table: "workflow_nodes");
        m.DropColumn(name: "waiting_reason", table: "workflow_nodes");
        m.DropColumn(name: "failovers", table: "workflow_nodes");
        m.DropColumn(name: "on_executor_lost", table: "workflow_nodes");
    }
}
