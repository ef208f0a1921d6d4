using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaWorkflow.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "executors",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    executor_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    capabilities = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    pools = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    concurrency = table.Column<int>(type: "integer", nullable: false),
                    host = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    agent_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    in_flight_count = table.Column<int>(type: "integer", nullable: false),
                    in_flight_json = table.Column<string>(type: "text", nullable: false),
                    heartbeat_interval_ms = table.Column<long>(type: "bigint", nullable: false),
                    heartbeat_timeout_ms = table.Column<long>(type: "bigint", nullable: false),
                    first_seen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_heartbeat_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    lost_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    stopped_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    drain_requested_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    drained_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    lost_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    heartbeat_timeout_token_id = table.Column<Guid>(type: "uuid", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_executors", x => x.correlation_id);
                });

            migrationBuilder.CreateTable(
                name: "node_attempts",
                columns: table => new
                {
                    workflow_id = table.Column<Guid>(type: "uuid", nullable: false),
                    node_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    executor_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    redelivered_from = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    superseded_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    arrived_late = table.Column<bool>(type: "boolean", nullable: false),
                    dispatched_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_node_attempts", x => new { x.workflow_id, x.node_id, x.attempt });
                });

            migrationBuilder.CreateTable(
                name: "schedule_fires",
                columns: table => new
                {
                    schedule_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    fire_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    workflow_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    recorded_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_schedule_fires", x => new { x.schedule_id, x.fire_time });
                });

            migrationBuilder.CreateTable(
                name: "workflow_definitions",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    definition_json = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workflow_definitions", x => new { x.name, x.version });
                });

            migrationBuilder.CreateTable(
                name: "workflow_instances",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    definition_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    definition_version = table.Column<int>(type: "integer", nullable: false),
                    definition_json = table.Column<string>(type: "text", nullable: false),
                    input_json = table.Column<string>(type: "text", nullable: true),
                    output_json = table.Column<string>(type: "text", nullable: true),
                    triggered_by = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    deadline_token_id = table.Column<Guid>(type: "uuid", nullable: true),
                    schedule_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    scheduled_fire_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    failed_node_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    failure_reason = table.Column<string>(type: "text", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workflow_instances", x => x.correlation_id);
                });

            migrationBuilder.CreateTable(
                name: "workflow_nodes",
                columns: table => new
                {
                    workflow_id = table.Column<Guid>(type: "uuid", nullable: false),
                    node_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    capability = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    max_attempts = table.Column<int>(type: "integer", nullable: false),
                    depends_on_json = table.Column<string>(type: "text", nullable: false),
                    input_json = table.Column<string>(type: "text", nullable: true),
                    output_json = table.Column<string>(type: "text", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    executor_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    dispatched_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_heartbeat_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    next_attempt_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    timeout_ms = table.Column<long>(type: "bigint", nullable: true),
                    timeout_token_id = table.Column<Guid>(type: "uuid", nullable: true),
                    on_executor_lost = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    failovers = table.Column<int>(type: "integer", nullable: false),
                    waiting_reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    pool = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    target_executor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workflow_nodes", x => new { x.workflow_id, x.node_id });
                    table.ForeignKey(
                        name: "fk_workflow_nodes_workflow_instances_workflow_id",
                        column: x => x.workflow_id,
                        principalTable: "workflow_instances",
                        principalColumn: "correlation_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_executors_current_state",
                table: "executors",
                column: "current_state");

            migrationBuilder.CreateIndex(
                name: "ix_executors_executor_id",
                table: "executors",
                column: "executor_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_node_attempts_executor_id",
                table: "node_attempts",
                column: "executor_id");

            migrationBuilder.CreateIndex(
                name: "ix_schedule_fires_workflow_id",
                table: "schedule_fires",
                column: "workflow_id");

            migrationBuilder.CreateIndex(
                name: "ix_workflow_instances_created_at",
                table: "workflow_instances",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_workflow_instances_current_state_created_at",
                table: "workflow_instances",
                columns: new[] { "current_state", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_workflow_instances_definition_name_created_at",
                table: "workflow_instances",
                columns: new[] { "definition_name", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_workflow_nodes_executor_id",
                table: "workflow_nodes",
                column: "executor_id");

            migrationBuilder.CreateIndex(
                name: "ix_workflow_nodes_state",
                table: "workflow_nodes",
                column: "state");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "executors");

            migrationBuilder.DropTable(
                name: "node_attempts");

            migrationBuilder.DropTable(
                name: "schedule_fires");

            migrationBuilder.DropTable(
                name: "workflow_definitions");

            migrationBuilder.DropTable(
                name: "workflow_nodes");

            migrationBuilder.DropTable(
                name: "workflow_instances");
        }
    }
}
