using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaWorkflow.Persistence.Workflows;

/// <summary>Maps <see cref="WorkflowNodeState"/> to <c>workflow_nodes</c>; the state is lower-case text so SQL reads <c>state = 'running'</c>.</summary>
public sealed class WorkflowNodeStateMap : IEntityTypeConfiguration<WorkflowNodeState>
{
    public void Configure(EntityTypeBuilder<WorkflowNodeState> builder)
    {
        builder.ToTable("workflow_nodes");
        builder.HasKey(x => new { x.WorkflowId, x.NodeId });
        builder.Property(x => x.NodeId).HasMaxLength(100);
        builder.Property(x => x.Capability).HasMaxLength(50);
        builder.Property(x => x.ExecutorId).HasMaxLength(200);
        builder.Property(x => x.State)
            .HasMaxLength(16)
            .HasConversion(v => NodeStatusText.Of(v), v => NodeStatusText.Parse(v));

        builder.HasIndex(x => x.State);
        builder.Property(x => x.OnExecutorLost).HasMaxLength(16);
        builder.Property(x => x.WaitingReason).HasMaxLength(300);
        builder.Property(x => x.Pool).HasMaxLength(100);
        builder.Property(x => x.TargetExecutor).HasMaxLength(200);
        builder.Property(x => x.RoutingKey).HasMaxLength(200);
        builder.Property(x => x.RoutedExecutor).HasMaxLength(200);

        builder.HasIndex(x => x.ExecutorId);
        // A lost or draining executor's unstarted sticky attempts are looked up by it.
        builder.HasIndex(x => x.RoutedExecutor);
        // Pending node_attempts rows, saved by the repository beside the node (not a column).
        builder.Ignore(x => x.Attempts);
    }
}
