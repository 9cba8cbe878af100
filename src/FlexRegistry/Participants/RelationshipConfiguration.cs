using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Participants;

internal sealed class MarketInterestConfiguration : IEntityTypeConfiguration<MarketInterest>
{
    public void Configure(EntityTypeBuilder<MarketInterest> i)
    {
        i.ToTable("market_interests");
        i.HasKey(x => x.Id);
        i.Property(x => x.Note).HasMaxLength(500);
        i.Property(x => x.ExpressedBy).HasMaxLength(100);
        i.Property(x => x.WithdrawnBy).HasMaxLength(100);
        // One active interest per provider and market operator, whoever races to express it.
        i.HasIndex(x => new { x.ParticipantId, x.MarketOperatorId }).IsUnique().HasFilter("\"WithdrawnAt\" IS NULL")
            .HasDatabaseName("ux_market_interests_active_pair");
        i.HasIndex(x => x.MarketOperatorId);
        i.HasOne<Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Restrict);
        i.HasOne<Participant>().WithMany().HasForeignKey(x => x.MarketOperatorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DataSharingGrantConfiguration : IEntityTypeConfiguration<DataSharingGrant>
{
    public void Configure(EntityTypeBuilder<DataSharingGrant> g)
    {
        g.ToTable("data_sharing_grants");
        g.HasKey(x => x.Id);
        g.Property(x => x.GranteeRole).HasMaxLength(32);
        g.Property(x => x.Grantee).HasMaxLength(40);
        g.Property(x => x.Part).HasMaxLength(64);
        g.Property(x => x.Purpose).HasMaxLength(500);
        g.Property(x => x.GrantedBy).HasMaxLength(100);
        g.Property(x => x.EndedBy).HasMaxLength(100);
        g.Property(x => x.EndReason).HasMaxLength(1000);
        g.Property(x => x.Scope).HasMaxLength(80).HasDefaultValue(DataSharingGrant.AllAssets);
        // One open grant per grantor, grantee (participant or role), part, purpose and asset scope.
        g.HasIndex(x => new { x.GrantorId, x.Grantee, x.Part, x.Purpose, x.Scope }).IsUnique().HasFilter("\"EndedAt\" IS NULL")
            .HasDatabaseName("ux_data_sharing_grants_open");
        g.HasIndex(x => x.Grantee);
        g.HasOne<Participant>().WithMany().HasForeignKey(x => x.GrantorId).OnDelete(DeleteBehavior.Restrict);
        g.HasOne<Participant>().WithMany().HasForeignKey(x => x.GranteeId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DataSharingGrantAssetConfiguration : IEntityTypeConfiguration<DataSharingGrantAsset>
{
    public void Configure(EntityTypeBuilder<DataSharingGrantAsset> a)
    {
        a.ToTable("data_sharing_grant_assets");
        a.HasKey(x => new { x.GrantId, x.AssetId });
        a.HasOne<DataSharingGrant>().WithMany().HasForeignKey(x => x.GrantId).OnDelete(DeleteBehavior.Cascade);
    }
}
