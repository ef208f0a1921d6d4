using Microsoft.EntityFrameworkCore.Migrations;

namespace SagaWorkflow.Persistence.Migrations;

/// <summary>The definitions registry: <c>workflow_definitions</c>, one row per (name, version).</summary>
internal static class DefinitionsRegistry
{
    public static void Up(MigrationBuilder m) =>
        m.CreateTable(
            name: "workflow_definitions",
            columns: t => new
            {
                name = t.Column<string>(maxLength: 200, nullable: false),
                version = t.Column<int>(nullable: false),
                definition_json = t.Column<string>(nullable: false),
                created_at = t.Column<DateTime>(nullable: false),
                created_by = t.Column<string>(maxLength: 100, nullable: true),
            },
            constraints: t => t.PrimaryKey("pk_workflow_definitions", x => new { x.name, x.version }));

    public static void Down(MigrationBuilder m) => m.DropTable("workflow_definitions");
}
