using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Assets;

internal sealed class AssetConfiguration : IEntityTypeConfiguration<Asset>
{
    public void Configure(EntityTypeBuilder<Asset> a)
    {
        a.ToTable("assets");
        a.HasKey(x => x.Id);
        a.Property(x => x.Type).HasMaxLength(32);
        a.Property(x => x.Mpan).HasMaxLength(13);
        a.Property(x => x.ExportMpan).HasMaxLength(13);
        a.Property(x => x.Manufacturer).HasMaxLength(100);
        a.Property(x => x.Model).HasMaxLength(100);
        a.Property(x => x.SerialNumber).HasMaxLength(100);
        a.Property(x => x.IdentityKey).HasMaxLength(260);
        a.Property(x => x.MeterKey).HasMaxLength(130);
        a.Property(x => x.SerialKey).HasMaxLength(8);
        a.Property(x => x.AddressKey).HasMaxLength(40);
        a.Property(x => x.GeoCell).HasMaxLength(16);
        a.Property(x => x.AddressLine1).HasMaxLength(200);
        a.Property(x => x.Town).HasMaxLength(100);
        a.Property(x => x.Postcode).HasMaxLength(8);
        a.Property(x => x.PostcodeDistrict).HasMaxLength(4);
        a.Property(x => x.GspGroup).HasMaxLength(2);
        a.Property(x => x.ConsentReference).HasMaxLength(200);
        a.Property(x => x.ConsentMethod).HasMaxLength(200);
        a.Property(x => x.Parties).HasMaxLength(2000);
        a.Property(x => x.Version).IsConcurrencyToken();
        a.PrimitiveCollection(x => x.MarketQualifications).HasField("_marketQualifications").Metadata.SetValueComparer(StringListComparer.Instance);
        a.Ignore(x => x.AssetType);

        // One ID per physical asset, enforced by the database so concurrent registrations cannot slip past.
        a.HasIndex(x => x.IdentityKey).IsUnique().HasDatabaseName("ux_assets_identity_key");
        a.HasIndex(x => x.MeterKey).IsUnique().HasDatabaseName("ux_assets_meter_key");

        // Blocking keys of the second-level de-duplication (Matching/AssetBlocking.cs), and search.
        a.HasIndex(x => x.Mpan);
        a.HasIndex(x => new { x.Postcode, x.Type });
        a.HasIndex(x => x.SerialKey);
        a.HasIndex(x => x.AddressKey);
        a.HasIndex(x => x.GeoCell);
        // Area + type searches page in ID order: with the ID last, one type's page is an ordered index range (LIMIT
        // stops after a page) instead of every match in the area sorted, or the whole table walked in ID order.
        a.HasIndex(x => new { x.DnoDistributorId, x.Type, x.Id });
        a.HasIndex(x => new { x.GspGroup, x.Type, x.Id });
        // An area search of every type (the web pages' search by area) pages in ID order the same way: without it SQLite
        // read and sorted every asset of the area for each page (hundreds of ms at 100k assets, linear in the area).
        a.HasIndex(x => new { x.DnoDistributorId, x.Id });
        a.HasIndex(x => new { x.PostcodeDistrict, x.Id });
        // Status too, so that the registry operator's assets-by-area count (all but merged) reads this index alone.
        a.HasIndex(x => new { x.DnoDistributorId, x.Type, x.Status });
        // A registrant's assets, and (area, status) so that its assets-by-area count reads this index alone.
        a.HasIndex(x => new { x.RegistrantId, x.DnoDistributorId, x.Status });
        // The few assets with more than one party (Asset.SharedParties): the other part of "a party of" (AssetRelations).
        a.HasIndex(x => x.DnoDistributorId, "ix_assets_shared_parties").HasFilter($"length(\"Parties\") > {Asset.SinglePartyLength}");
        // Bounding-box searches (on a 0.01° grid, see AssetQueries).
        a.HasIndex(x => new { x.Latitude, x.Longitude });
        a.HasIndex(x => x.ConfirmationDueAt);
        // An import's registered rows, by row: its results and its near-duplicate sweep read them here.
        a.HasIndex(x => new { x.ImportId, x.ImportRow }).HasFilter("\"ImportId\" IS NOT NULL");
        a.Property(x => x.ConfirmationNote).HasMaxLength(1000);

        Provenance(a, x => x.IdentityProvenance, "Identity");
        Provenance(a, x => x.TechnicalProvenance, "Technical");
        Provenance(a, x => x.LocationProvenance, "Location");
        Provenance(a, x => x.ConsentProvenance, "Consent");
    }

    private static void Provenance(EntityTypeBuilder<Asset> a, System.Linq.Expressions.Expression<Func<Asset, Provenance?>> group, string prefix) =>
        a.ComplexProperty(group, p =>
        {
            p.Property(x => x.DeclaredBy).HasMaxLength(40).HasColumnName(prefix + "DeclaredBy");
            p.Property(x => x.ConfirmedBy).HasMaxLength(64).HasColumnName(prefix + "ConfirmedBy");
            p.Property(x => x.ConfirmedAt).HasColumnName(prefix + "ConfirmedAt");
        });
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> i)
    {
        i.ToTable("idempotency_keys");
        i.HasKey(x => x.Id);
        i.Property(x => x.Key).HasMaxLength(100);
        i.Property(x => x.Operation).HasMaxLength(40);
        i.Property(x => x.RequestHash).HasMaxLength(64);
        i.Property(x => x.ResourceId).HasMaxLength(40);
        i.HasIndex(x => new { x.ParticipantId, x.Operation, x.Key }).IsUnique();
    }
}

internal sealed class AssetChangeConfiguration : IEntityTypeConfiguration<AssetChange>
{
    public void Configure(EntityTypeBuilder<AssetChange> c)
    {
        c.ToTable("asset_changes");
        // One row per version: the database refuses a second change claiming a version, whatever the races.
        c.HasKey(x => new { x.AssetId, x.Version });
        c.HasOne<Asset>().WithMany().HasForeignKey(x => x.AssetId).OnDelete(DeleteBehavior.Restrict);
        c.Property(x => x.Action).HasMaxLength(40);
        c.Property(x => x.Source).HasMaxLength(20);
        c.Property(x => x.SourceName).HasMaxLength(64);
        c.Property(x => x.Actor).HasMaxLength(120);
        c.Property(x => x.Roles).HasMaxLength(120);
        c.Property(x => x.Reason).HasMaxLength(1000);
    }
}

internal sealed class AssetPartyConfiguration : IEntityTypeConfiguration<AssetParty>
{
    public void Configure(EntityTypeBuilder<AssetParty> p)
    {
        p.ToTable("asset_parties");
        p.HasKey(x => x.Id);
        p.HasOne<Asset>().WithMany().HasForeignKey(x => x.AssetId).OnDelete(DeleteBehavior.Restrict);
        p.Property(x => x.Role).HasMaxLength(16);
        p.Property(x => x.Initiative).HasMaxLength(16);
        p.Property(x => x.EndReason).HasMaxLength(1000);
        p.Property(x => x.ConsentReference).HasMaxLength(200);
        p.Property(x => x.ConsentMethod).HasMaxLength(200);
        p.Property(x => x.Version).IsConcurrencyToken();
        p.Ignore(x => x.IsOpen);
        p.Ignore(x => x.AwaitsParticipant);
        // One open attachment per asset, participant and role, and one owner at a time: rules of the database, so that
        // two acceptances racing cannot both win.
        p.HasIndex(x => new { x.AssetId, x.ParticipantId, x.Role }).IsUnique()
            .HasFilter("\"Status\" IN ('Pending', 'Active')").HasDatabaseName("ux_asset_parties_open");
        p.HasIndex(x => x.AssetId).IsUnique()
            .HasFilter("\"Role\" = 'owner' AND \"Status\" = 'Active'").HasDatabaseName("ux_asset_parties_one_owner");
        // "The assets I am a party to", and the notices of requests waiting for an answer.
        p.HasIndex(x => new { x.ParticipantId, x.Status });
    }
}
