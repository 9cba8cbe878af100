using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Events;

internal sealed class EventRecordConfiguration : IEntityTypeConfiguration<EventRecord>
{
    public void Configure(EntityTypeBuilder<EventRecord> e)
    {
        e.ToTable("events");
        e.HasKey(x => x.Position);
        e.Property(x => x.Position).ValueGeneratedOnAdd();
        e.Property(x => x.Type).HasMaxLength(100);
        e.Property(x => x.Subject).HasMaxLength(100);
        e.HasIndex(x => x.Id).IsUnique();
        e.HasIndex(x => new { x.Subject, x.Position });
        // The sequencer's scan: rows after the last one it ordered, in (transaction, position) order.
        e.HasIndex(x => new { x.TransactionId, x.Position });
    }
}

internal sealed class SequencedEventConfiguration : IEntityTypeConfiguration<SequencedEvent>
{
    public void Configure(EntityTypeBuilder<SequencedEvent> s)
    {
        s.ToTable("event_sequence");
        s.HasKey(x => x.Sequence);
        s.Property(x => x.Sequence).ValueGeneratedNever();
        // An event is sequenced once: a second sequencer that raced this one fails here instead of duplicating it.
        s.HasIndex(x => x.Position).IsUnique();
    }
}
