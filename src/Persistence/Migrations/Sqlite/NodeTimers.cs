using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace SagaWorkflow.Persistence.Migrations.Sqlite;

[DbContext(typeof(SqliteWorkflowDbContext))]
[Migration("20261122000100_NodeTimers")]
public sealed class NodeTimers : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => Migrations.NodeTimers.Up(migrationBuilder);

    protected override void Down(MigrationBuilder migrationBuilder) => Migrations.NodeTimers.Down(migrationBuilder);
}
