using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Events;

internal sealed class EventRecordConfiguration : IEntityTypeConfiguration<EventRecord>
{
    public void Configure(EntityTypeBuilder<EventRecord> e)
    {
        e.ToTable("events");
        e.HasKey(x => x.Sequence);
        e.Property(x => x.Sequence).ValueGeneratedOnAdd();
        e.Property(x => x.Type).HasMaxLength(100);
        e.Property(x => x.Subject).HasMaxLength(100);
        e.HasIndex(x => x.Id).IsUnique();
        e.HasIndex(x => new { x.Subject, x.Sequence });
    }
}
