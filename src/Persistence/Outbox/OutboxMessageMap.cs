using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaWorkflow.Persistence.Outbox;

/// <summary>Maps <see cref="OutboxMessage"/> to <c>outbox_messages</c>; recovery finds a dead owner's rows by the owner index.</summary>
public sealed class OutboxMessageMap : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(x => x.MessageId);
        builder.Property(x => x.MessageId).ValueGeneratedNever();
        builder.Property(x => x.DestinationAddress).HasMaxLength(Address);
        builder.Property(x => x.MessageType).HasMaxLength(Address);
        builder.Property(x => x.ContentType).HasMaxLength(100);
        builder.Property(x => x.SourceAddress).HasMaxLength(Address);
        builder.Property(x => x.ResponseAddress).HasMaxLength(Address);
        builder.Property(x => x.FaultAddress).HasMaxLength(Address);
        builder.HasIndex(x => new { x.OwnerId, x.CreatedAt });
    }

    // Broker addresses carry host, vhost, queue or exchange and a few query parameters.
    private const int Address = 500;
}
