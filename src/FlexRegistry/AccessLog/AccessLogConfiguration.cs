using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.AccessLog;

internal sealed class AccessLogEntryConfiguration : IEntityTypeConfiguration<AccessLogEntry>
{
    public void Configure(EntityTypeBuilder<AccessLogEntry> e)
    {
        e.ToTable("access_log_entries");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.ReaderActor).HasMaxLength(110);
        e.Property(x => x.Purpose).HasMaxLength(40);
        e.Property(x => x.Action).HasMaxLength(40);
        e.Property(x => x.Resource).HasMaxLength(16);
        e.Property(x => x.FieldGroups).HasMaxLength(500);
        e.Property(x => x.Digest).HasMaxLength(64);
        // The reader filter, and the 6a publisher's "this reader's reads in this window".
        e.HasIndex(x => new { x.ReaderId, x.At });
    }
}

internal sealed class AccessLogRecordConfiguration : IEntityTypeConfiguration<AccessLogRecord>
{
    public void Configure(EntityTypeBuilder<AccessLogRecord> r)
    {
        r.ToTable("access_log_records");
        // An asset's log is read by asset, newest entry first: the key is that order.
        r.HasKey(x => new { x.AssetId, x.EntryId });
        r.HasIndex(x => x.EntryId);
    }
}

internal sealed class AccessLogSubjectConfiguration : IEntityTypeConfiguration<AccessLogSubject>
{
    public void Configure(EntityTypeBuilder<AccessLogSubject> s)
    {
        s.ToTable("access_log_subjects");
        s.HasKey(x => new { x.ParticipantId, x.EntryId });
        s.HasIndex(x => x.EntryId);
    }
}

internal sealed class AccessNotificationSettingConfiguration : IEntityTypeConfiguration<AccessNotificationSetting>
{
    public void Configure(EntityTypeBuilder<AccessNotificationSetting> s)
    {
        s.ToTable("access_notification_settings");
        s.HasKey(x => x.ParticipantId);
        s.Property(x => x.UpdatedBy).HasMaxLength(110);
    }
}

internal sealed class AccessNotificationAssetConfiguration : IEntityTypeConfiguration<AccessNotificationAsset>
{
    public void Configure(EntityTypeBuilder<AccessNotificationAsset> a)
    {
        a.ToTable("access_notification_assets");
        a.HasKey(x => new { x.ParticipantId, x.AssetId });
    }
}

internal sealed class AssetAccessWindowConfiguration : IEntityTypeConfiguration<AssetAccessWindow>
{
    public void Configure(EntityTypeBuilder<AssetAccessWindow> w)
    {
        w.ToTable("asset_access_windows");
        w.HasKey(x => x.Id);
        w.Property(x => x.Id).ValueGeneratedOnAdd();
        w.Property(x => x.PublishedAt).IsConcurrencyToken();
        // One counter per participant told, reader and window, whoever opens it first (the upsert's conflict target).
        w.HasIndex(x => new { x.ParticipantId, x.ReaderId, x.WindowStart }).IsUnique();
        w.HasIndex(x => new { x.PublishedAt, x.WindowEnd });
    }
}
