using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace SagaWorkflow.Persistence.Migrations.Sqlite;

[DbContext(typeof(SqliteWorkflowDbContext))]
[Migration("20261122000200_CronLedger")]
public sealed class CronLedger : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => Migrations.CronLedger.Up(migrationBuilder);

    protected override void Down(MigrationBuilder migrationBuilder) => Migrations.CronLedger.Down(migrationBuilder);
}
