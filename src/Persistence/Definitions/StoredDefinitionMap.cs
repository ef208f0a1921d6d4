using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaWorkflow.Persistence.Definitions;

/// <summary>Maps <see cref="StoredDefinition"/> to <c>workflow_definitions</c>; the key makes a version unique.</summary>
public sealed class StoredDefinitionMap : IEntityTypeConfiguration<StoredDefinition>
{
    public void Configure(EntityTypeBuilder<StoredDefinition> builder)
    {
        builder.ToTable("workflow_definitions");
        builder.HasKey(x => new { x.Name, x.Version });
        builder.Property(x => x.Name).HasMaxLength(200);
        builder.Property(x => x.CreatedBy).HasMaxLength(100);
    }
}
