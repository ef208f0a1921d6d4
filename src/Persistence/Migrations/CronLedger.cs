using Microsoft.EntityFrameworkCore.Migrations;

namespace SagaWorkflow.Persistence.Migrations;

/// <summary>
/// The workflow deadline token and cron origin on <c>workflow_instances</c>, and the <c>schedule_fires</c> ledger.
/// </summary>
internal static class CronLedger
{
    public static void Up(MigrationBuilder m)
    {
        m.AddColumn<Guid>(name: "deadline_token_id", table: "workflow_instances", nullable: true);
        m.AddColumn<string>(name: "schedule_id", table: "workflow_instances", maxLength: 100, nullable: true);
        m.AddColumn<DateTime>(name: "scheduled_fire_time", table: "workflow_instances", nullable: true);

        m.CreateTable(
            name: "schedule_fires",
            columns: t => new
            {
                schedule_id = t.Column<string>(maxLength: 100, nullable: false),
                fire_time = t.Column<DateTime>(nullable: false),
                outcome = t.Column<string>(maxLength: 16, nullable: false),
                workflow_id = t.Column<Guid>(nullable: true),
                reason = t.Column<string>(maxLength: 200, nullable: true),
                recorded_at = t.Column<DateTime>(nullable: false),
            },
            constraints: t => t.PrimaryKey("pk_schedule_fires", x => new { x.schedule_id, x.fire_time }));
        m.CreateIndex("ix_schedule_fires_workflow_id", "schedule_fires", "workflow_id");
    }

    public static void Down(MigrationBuilder m)
    {
        m.DropTable("schedule_fires");
        m.DropColumn(name: "scheduled_fire_time", table: "workflow_instances");
        m.DropColumn(name: "schedule_id", table: "workflow_instances");
        m.DropColumn(name: "deadline_token_id", table: "workflow_instances");
    }
}
