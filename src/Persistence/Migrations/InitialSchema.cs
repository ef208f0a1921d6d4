using Microsoft.EntityFrameworkCore.Migrations;

namespace SagaWorkflow.Persistence.Migrations;

/// <summary>
/// The first schema, shared by the SQLite and PostgreSQL migrations: column types are left to each provider's
/// mapping of the CLR type, so one body serves both. Hand-written because Microsoft.EntityFrameworkCore.Design
/// (behind <c>dotnet ef migrations add</c>) does not restore from the registry here; keep it in step with the maps.
/// </summary>
internal static class InitialSchema
{
    public static void Up(MigrationBuilder m)
    {
        m.CreateTable(
            name: "workflow_instances",
            columns: t => new
            {
                correlation_id = t.Column<Guid>(nullable: false),
                current_state = t.Column<string>(maxLength: 64, nullable: false),
                definition_name = t.Column<string>(maxLength: 200, nullable: false),
                definition_version = t.Column<int>(nullable: false),
                definition_json = t.Column<string>(nullable: false),
                input_json = t.Column<string>(nullable: true),
                output_json = t.Column<string>(nullable: true),
                trigger = t.Column<string>(maxLength: 32, nullable: false),
                created_at = t.Column<DateTime>(nullable: false),
                updated_at = t.Column<DateTime>(nullable: false),
                finished_at = t.Column<DateTime>(nullable: true),
                failed_node_id = t.Column<string>(maxLength: 100, nullable: true),
                failure_reason = t.Column<string>(nullable: true),
                version = t.Column<int>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_workflow_instances", x => x.correlation_id));

        m.CreateTable(
            name: "workflow_nodes",
            columns: t => new
            {
                workflow_id = t.Column<Guid>(nullable: false),
                node_id = t.Column<string>(maxLength: 100, nullable: false),
                ordinal = t.Column<int>(nullable: false),
                capability = t.Column<string>(maxLength: 50, nullable: false),
                state = t.Column<string>(maxLength: 16, nullable: false),
                attempt = t.Column<int>(nullable: false),
                max_attempts = t.Column<int>(nullable: false),
                depends_on_json = t.Column<string>(nullable: false),
                input_json = t.Column<string>(nullable: true),
                output_json = t.Column<string>(nullable: true),
                error = t.Column<string>(nullable: true),
                executor_id = t.Column<string>(maxLength: 200, nullable: true),
                dispatched_at = t.Column<DateTime>(nullable: true),
                started_at = t.Column<DateTime>(nullable: true),
                finished_at = t.Column<DateTime>(nullable: true),
                last_heartbeat_at = t.Column<DateTime>(nullable: true),
            },
            constraints: t =>
            {
                t.PrimaryKey("pk_workflow_nodes", x => new { x.workflow_id, x.node_id });
                t.ForeignKey("fk_workflow_nodes_workflow_instances_workflow_id", x => x.workflow_id, "workflow_instances", "correlation_id",
                    onDelete: ReferentialAction.Cascade);
            });

        m.CreateIndex("ix_workflow_instances_created_at", "workflow_instances", "created_at");
        m.CreateIndex("ix_workflow_instances_current_state_created_at", "workflow_instances", ["current_state", "created_at"]);
        m.CreateIndex("ix_workflow_instances_definition_name_created_at", "workflow_instances", ["definition_name", "created_at"]);
        m.CreateIndex("ix_workflow_nodes_executor_id", "workflow_nodes", "executor_id");
        m.CreateIndex("ix_workflow_nodes_state", "workflow_nodes", "state");
    }

    public static void Down(MigrationBuilder m)
    {
        m.DropTable("workflow_nodes");
        m.DropTable("workflow_instances");
    }
}
