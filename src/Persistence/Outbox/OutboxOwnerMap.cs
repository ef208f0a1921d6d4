using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaWorkflow.Persistence.Outbox;

/// <summary>Maps <see cref="OutboxOwner"/> to <c>outbox_owners</c>.</summary>
public sealed class OutboxOwnerMap : IEntityTypeConfiguration<OutboxOwner>
{
    public void Configure(EntityTypeBuilder<OutboxOwner> builder)
    {
        builder.ToTable("outbox_owners");
        builder.HasKey(x => x.OwnerId);
        builder.Property(x => x.OwnerId).ValueGeneratedNever();
        builder.Property(x => x.Process).HasMaxLength(200);
    }
}
