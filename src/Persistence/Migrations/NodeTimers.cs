using Microsoft.EntityFrameworkCore.Migrations;

namespace SagaWorkflow.Persistence.Migrations;

/// <summary>
/// Columns for a node's timers: <c>next_attempt_at</c> (when a retrying node's next attempt is due),
/// <c>timeout_ms</c> (its execution deadline) and <c>timeout_token_id</c> (the armed deadline's scheduler token).
/// </summary>
internal static class NodeTimers
{
    public static void Up(MigrationBuilder m)
    {
        m.AddColumn<DateTime>(name: "next_attempt_at", table: "workflow_nodes", nullable: true);
        m.AddColumn<long>(name: "timeout_ms", table: "workflow_nodes", nullable: true);
        m.AddColumn<Guid>(name: "timeout_token_id", table: "workflow_nodes", nullable: true);
    }

    public static void Down(MigrationBuilder m)
    {
        m.DropColumn(name: "timeout_token_id", table: "workflow_nodes");
        m.DropColumn(name: "timeout_ms", table: "workflow_nodes");
        m.DropColumn(name: "next_attempt_at", table: "workflow_nodes");
    }
}
