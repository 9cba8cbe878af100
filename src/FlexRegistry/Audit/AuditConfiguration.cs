using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Audit;

internal sealed class AuditRecordConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> r)
    {
        r.ToTable("audit_records");
        r.HasKey(x => x.Position);
        r.Property(x => x.Position).ValueGeneratedOnAdd();
        r.Property(x => x.ActorParticipantId).HasMaxLength(20);
        r.Property(x => x.ActorClientId).HasMaxLength(100);
        r.Property(x => x.Action).HasMaxLength(64);
        r.Property(x => x.ResourceType).HasMaxLength(64);
        r.Property(x => x.ResourceId).HasMaxLength(100);
        r.Ignore(x => x.ResourceIdList);
        r.Property(x => x.SubjectParticipantId).HasMaxLength(20);
        r.Property(x => x.Fields).HasMaxLength(2000);
        r.Property(x => x.Outcome).HasMaxLength(16);
        r.Ignore(x => x.FieldList);
        r.HasIndex(x => new { x.SubjectParticipantId, x.Position });
        r.HasIndex(x => new { x.ResourceId, x.Position });
        // The sequencer's scan: records after the last one in the tree, in (transaction, position) order.
        r.HasIndex(x => new { x.TransactionId, x.Position });
    }
}

internal sealed class AuditLeafConfiguration : IEntityTypeConfiguration<AuditLeaf>
{
    public void Configure(EntityTypeBuilder<AuditLeaf> l)
    {
        l.ToTable("audit_leaves");
        l.HasKey(x => x.LeafIndex);
        l.Property(x => x.LeafIndex).ValueGeneratedNever();
        // A record joins the tree once: a racing second sequencer fails here rather than adding it twice.
        l.HasIndex(x => x.RecordPosition).IsUnique();
    }
}

internal sealed class AuditTreeNodeConfiguration : IEntityTypeConfiguration<AuditTreeNode>
{
    public void Configure(EntityTypeBuilder<AuditTreeNode> n)
    {
        n.ToTable("audit_tree_nodes");
        n.HasKey(x => x.Id);
        n.Property(x => x.Id).ValueGeneratedNever();
        n.Property(x => x.Hash).HasMaxLength(32);
    }
}

internal sealed class AuditTreeHeadConfiguration : IEntityTypeConfiguration<AuditTreeHead>
{
    public void Configure(EntityTypeBuilder<AuditTreeHead> h)
    {
        h.ToTable("audit_tree_heads");
        h.HasKey(x => x.TreeSize);
        h.Property(x => x.TreeSize).ValueGeneratedNever();
        h.Property(x => x.RootHash).HasMaxLength(32);
        h.Property(x => x.KeyId).HasMaxLength(64);
        h.Property(x => x.Signature).HasMaxLength(1024);
    }
}
