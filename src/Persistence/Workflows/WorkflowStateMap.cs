using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaWorkflow.Persistence.Workflows;

/// <summary>Maps <see cref="WorkflowState"/> to <c>workflow_instances</c>, indexed for the operator queries of docs/sql-cookbook.md.</summary>
public sealed class WorkflowStateMap : IEntityTypeConfiguration<WorkflowState>
{
    public void Configure(EntityTypeBuilder<WorkflowState> builder)
    {
        builder.ToTable("workflow_instances");
        builder.HasKey(x => x.CorrelationId);
        builder.Property(x => x.CorrelationId).ValueGeneratedNever();
        builder.Property(x => x.CurrentState).HasMaxLength(64);
        builder.Property(x => x.DefinitionName).HasMaxLength(200);
        builder.Property(x => x.TriggeredBy).HasMaxLength(32);
        builder.Property(x => x.FailedNodeId).HasMaxLength(100);
        builder.Property(x => x.ScheduleId).HasMaxLength(100);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasMany(x => x.Nodes).WithOne().HasForeignKey(n => n.WorkflowId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(x => x.Nodes).AutoInclude(false);

        builder.HasIndex(x => new { x.CurrentState, x.CreatedAt });
        builder.HasIndex(x => new { x.DefinitionName, x.CreatedAt });
        builder.HasIndex(x => x.CreatedAt);
        // Retention finds the oldest finished runs by this column (WorkflowPurge); running ones have none.
        builder.HasIndex(x => x.FinishedAt);
    }
}
