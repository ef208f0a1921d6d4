using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SagaWorkflow.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StickyRouting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "routed_executor",
                table: "workflow_nodes",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "routing_key",
                table: "workflow_nodes",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "own_queue",
                table: "executors",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "ix_workflow_nodes_routed_executor",
                table: "workflow_nodes",
                column: "routed_executor");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_workflow_nodes_routed_executor",
                table: "workflow_nodes");

            migrationBuilder.DropColumn(
                name: "routed_executor",
                table: "workflow_nodes");

            migrationBuilder.DropColumn(
                name: "routing_key",
                table: "workflow_nodes");

            migrationBuilder.DropColumn(
                name: "own_queue",
                table: "executors");
        }
    }
}
