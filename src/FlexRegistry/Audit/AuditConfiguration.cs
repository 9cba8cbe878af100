using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Audit;

internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> r)
    {
        r.ToTable("audit_records");
        r.HasKey(x => x.Sequence);
        // The chain assigns sequences itself, under a lock, so that they are gapless and in commit order.
        r.Property(x => x.Sequence).ValueGeneratedNever();
        r.Property(x => x.ActorParticipantId).HasMaxLength(20);
        r.Property(x => x.ActorClientId).HasMaxLength(100);
        r.Property(x => x.Action).HasMaxLength(64);
        r.Property(x => x.ResourceType).HasMaxLength(64);
        r.Property(x => x.ResourceId).HasMaxLength(100);
        r.Property(x => x.SubjectParticipantId).HasMaxLength(20);
        r.Property(x => x.Fields).HasMaxLength(2000);
        r.Property(x => x.Outcome).HasMaxLength(16);
        r.Property(x => x.PreviousHash).HasMaxLength(64);
        r.Property(x => x.Hash).HasMaxLength(64);
        r.HasIndex(x => new { x.SubjectParticipantId, x.Sequence });
        r.HasIndex(x => new { x.ResourceId, x.Sequence });
    }
}

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> c)
    {
        c.ToTable("audit_checkpoints");
        c.HasKey(x => x.Sequence);
        c.Property(x => x.Sequence).ValueGeneratedNever();
        c.Property(x => x.HeadHash).HasMaxLength(64);
        c.Property(x => x.KeyId).HasMaxLength(64);
        c.Property(x => x.Signature).HasMaxLength(1024);
    }
}
