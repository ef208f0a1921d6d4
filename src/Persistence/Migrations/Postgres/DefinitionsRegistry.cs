using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace SagaWorkflow.Persistence.Migrations.Postgres;

[DbContext(typeof(PostgresWorkflowDbContext))]
[Migration("20261123000000_DefinitionsRegistry")]
public sealed class DefinitionsRegistry : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => Migrations.DefinitionsRegistry.Up(migrationBuilder);

    protected override void Down(MigrationBuilder migrationBuilder) => Migrations.DefinitionsRegistry.Down(migrationBuilder);
}
