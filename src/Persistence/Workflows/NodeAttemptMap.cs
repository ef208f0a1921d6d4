using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaWorkflow.Persistence.Workflows;

/// <summary>Maps <see cref="NodeAttempt"/> to <c>node_attempts</c>, indexed for "what ran on executor X".</summary>
public sealed class NodeAttemptMap : IEntityTypeConfiguration<NodeAttempt>
{
    public void Configure(EntityTypeBuilder<NodeAttempt> builder)
    {
        builder.ToTable("node_attempts");
        builder.HasKey(x => new { x.WorkflowId, x.NodeId, x.Attempt });
        builder.Property(x => x.NodeId).HasMaxLength(100);
        builder.Property(x => x.ExecutorId).HasMaxLength(200);
        builder.Property(x => x.RedeliveredFrom).HasMaxLength(200);
        builder.Property(x => x.Outcome).HasMaxLength(16);
        builder.Property(x => x.SupersededReason).HasMaxLength(500);
        builder.HasIndex(x => x.ExecutorId);
    }
}
