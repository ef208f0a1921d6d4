using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace SagaWorkflow.Persistence.Migrations.Sqlite;

[DbContext(typeof(SqliteWorkflowDbContext))]
[Migration("20261122000300_ExecutorRegistry")]
public sealed class ExecutorRegistry : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => Migrations.ExecutorRegistry.Up(migrationBuilder);

    protected override void Down(MigrationBuilder migrationBuilder) => Migrations.ExecutorRegistry.Down(migrationBuilder);
}
