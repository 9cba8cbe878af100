using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Assets.Imports;

internal sealed class AssetImportConfiguration : IEntityTypeConfiguration<AssetImport>
{
    public void Configure(EntityTypeBuilder<AssetImport> i)
    {
        i.ToTable("asset_imports");
        i.HasKey(x => x.Id);
        i.Property(x => x.ClientId).HasMaxLength(100);
        i.Property(x => x.IdempotencyKey).HasMaxLength(100);
        i.Property(x => x.FileHash).HasMaxLength(64);
        i.Property(x => x.Format).HasMaxLength(8);
        i.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        i.Property(x => x.Failure).HasMaxLength(1000);
        i.HasIndex(x => new { x.ParticipantId, x.IdempotencyKey }).IsUnique();
        i.HasIndex(x => new { x.Status, x.CreatedAt });
    }
}

internal sealed class AssetImportRowConfiguration : IEntityTypeConfiguration<AssetImportRow>
{
    public void Configure(EntityTypeBuilder<AssetImportRow> r)
    {
        r.ToTable("asset_import_rows");
        r.HasKey(x => new { x.ImportId, x.RowNumber });
        r.Property(x => x.RowNumber).ValueGeneratedNever();
    }
}

internal sealed class AssetImportResultConfiguration : IEntityTypeConfiguration<AssetImportResult>
{
    public void Configure(EntityTypeBuilder<AssetImportResult> r)
    {
        r.ToTable("asset_import_results");
        r.HasKey(x => new { x.ImportId, x.RowNumber });
        r.Property(x => x.RowNumber).ValueGeneratedNever();
        r.Property(x => x.Outcome).HasMaxLength(16);
        r.Property(x => x.AssetId).HasMaxLength(20);
        r.Property(x => x.ExistingAssetId).HasMaxLength(20);
        r.Property(x => x.DuplicateCaseId).HasMaxLength(40);
    }
}
