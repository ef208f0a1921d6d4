using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaWorkflow.Persistence.Scheduling;

/// <summary>Maps <see cref="ScheduleFire"/> to <c>schedule_fires</c>; the key is the uniqueness that stops a double fire.</summary>
public sealed class ScheduleFireMap : IEntityTypeConfiguration<ScheduleFire>
{
    public void Configure(EntityTypeBuilder<ScheduleFire> builder)
    {
        builder.ToTable("schedule_fires");
        builder.HasKey(x => new { x.ScheduleId, x.FireTime });
        builder.Property(x => x.ScheduleId).HasMaxLength(100);
        builder.Property(x => x.Outcome).HasMaxLength(16);
        builder.Property(x => x.Reason).HasMaxLength(200);
        builder.HasIndex(x => x.WorkflowId);
    }
}
