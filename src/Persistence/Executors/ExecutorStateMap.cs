using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaWorkflow.Persistence.Executors;

/// <summary>Maps <see cref="ExecutorState"/> to <c>executors</c>: one row per executor id, readable with SQL.</summary>
public sealed class ExecutorStateMap : IEntityTypeConfiguration<ExecutorState>
{
    public void Configure(EntityTypeBuilder<ExecutorState> builder)
    {
        builder.ToTable("executors");
        builder.HasKey(x => x.CorrelationId);
        builder.Property(x => x.CorrelationId).ValueGeneratedNever();
        builder.Property(x => x.ExecutorId).HasMaxLength(200);
        builder.Property(x => x.CurrentState).HasMaxLength(64);
        builder.Property(x => x.Capabilities).HasMaxLength(1000);
        builder.Property(x => x.Pools).HasMaxLength(1000);
        builder.Property(x => x.Host).HasMaxLength(200);
        builder.Property(x => x.AgentVersion).HasMaxLength(64);
        builder.Property(x => x.LostReason).HasMaxLength(500);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => x.ExecutorId).IsUnique();
        builder.HasIndex(x => x.CurrentState);
    }
}
