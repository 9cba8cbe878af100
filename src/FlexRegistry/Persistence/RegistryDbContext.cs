using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Duplicates;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlexRegistry.Persistence;

/// <summary>
/// The unit of work for the whole register. One model serves SQLite and PostgreSQL; the provider-specific
/// subclasses exist only so each provider has its own migration set.
/// </summary>
public abstract class RegistryDbContext(DbContextOptions options, TimeProvider time) : DbContext(options)
{
    internal static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

    private readonly List<AuditEntry> _pendingAudit = [];

    public DbSet<Participant> Participants => Set<Participant>();
    public DbSet<StatusChange> ParticipantStatusChanges => Set<StatusChange>();
    public DbSet<CommercialInformation> CommercialInformation => Set<CommercialInformation>();
    public DbSet<MarketInterest> MarketInterests => Set<MarketInterest>();
    public DbSet<DataSharingGrant> DataSharingGrants => Set<DataSharingGrant>();
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();
    public DbSet<DuplicateCase> DuplicateCases => Set<DuplicateCase>();
    public DbSet<EventRecord> Events => Set<EventRecord>();
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();
    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    /// <summary>Key of the PostgreSQL advisory lock that serialises event-log appends (arbitrary, fixed forever).</summary>
    internal const long EventLogLockKey = 0x466C_6578_4C6F_67; // "FlexLog"

    /// <summary>
    /// Queues an audit record for the next <see cref="SaveChangesAsync(bool, CancellationToken)"/>, which writes it in
    /// the same transaction as the change: if the record cannot be written, nothing is (fail closed). For reads, call
    /// SaveChangesAsync before answering.
    /// </summary>
    public void Audit(AuditEntry entry) => _pendingAudit.Add(entry);
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<AssetAccessWindow> AssetAccessWindows => Set<AssetAccessWindow>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Assets.Imports.AssetImport> AssetImports => Set<Assets.Imports.AssetImport>();
    public DbSet<Assets.Imports.AssetImportRow> AssetImportRows => Set<Assets.Imports.AssetImportRow>();
    public DbSet<Assets.Imports.AssetImportResult> AssetImportResults => Set<Assets.Imports.AssetImportResult>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<ParticipantId>().HaveConversion<ParticipantIdConverter>().HaveMaxLength(ParticipantId.Length);
        configurationBuilder.Properties<ParticipantStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<VerificationStage>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ApiClientStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<AssetId>().HaveConversion<AssetIdConverter>().HaveMaxLength(AssetId.Length);
        configurationBuilder.Properties<AssetStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<DataStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<DuplicateCaseStatus>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RegistryDbContext).Assembly);
        modelBuilder.UseOpenIddict();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (_pendingAudit.Count > 0)
            throw new InvalidOperationException("Audited changes are saved with SaveChangesAsync.");
        if (!AppendRecordedEvents() || !Database.IsNpgsql())
            return base.SaveChanges(acceptAllChangesOnSuccess);
        if (Database.CurrentTransaction is not null)
        {
            LockEventLog();
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        using var transaction = Database.BeginTransaction();
        LockEventLog();
        var written = base.SaveChanges(acceptAllChangesOnSuccess);
        transaction.Commit();
        return written;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var lockEventLog = AppendRecordedEvents() && Database.IsNpgsql();
        if (_pendingAudit.Count == 0 && !lockEventLog)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (Database.CurrentTransaction is not null)
            return await SaveInTransactionAsync(acceptAllChangesOnSuccess, lockEventLog, cancellationToken);

        // The audit chain head and the event log's commit order are both guarded by locks that must be held, in the
        // same transaction as the change, until commit.
        var strategy = Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await Database.BeginTransactionAsync(ct);
            var written = await SaveInTransactionAsync(acceptAllChangesOnSuccess, lockEventLog, ct);
            await transaction.CommitAsync(ct);
            return written;
        }, cancellationToken);
    }

    /// <summary>Locks are always taken in the same order (audit chain, then event log), so writers cannot deadlock.</summary>
    private async Task<int> SaveInTransactionAsync(bool acceptAllChangesOnSuccess, bool lockEventLog, CancellationToken ct)
    {
        if (_pendingAudit.Count > 0)
            await AppendAuditAsync(ct);
        if (lockEventLog)
            await LockEventLogAsync(ct);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
    }

    private async Task AppendAuditAsync(CancellationToken ct)
    {
        var entries = _pendingAudit.ToList();
        _pendingAudit.Clear();
        await AuditChain.AppendAsync(this, entries, time.GetUtcNow(), this.GetService<AuditOptions>(), this.GetService<AuditCheckpointKey>(), ct);
    }

    /// <summary>
    /// PostgreSQL assigns identity values at insert, not at commit: without this, a reader could see sequence 11
    /// committed before 10 and move its cursor past 10 for good. Holding one transaction-level lock from before the
    /// events' insert until commit makes commit order equal sequence order, so every reader sees a gap-free prefix of
    /// the log. (SQLite has a single writer, which gives the same guarantee.)
    /// </summary>
    /// <summary>
    /// For bulk writers that append audit records and events themselves within an open transaction: takes the audit
    /// chain lock, then the event-log lock (the same order as <see cref="SaveChangesAsync(bool, CancellationToken)"/>),
    /// before the transaction writes anything else that another writer could wait on. On SQLite the transaction's
    /// first write takes the database's single write lock, which covers both.
    /// </summary>
    internal async Task LockAppendLogsAsync(CancellationToken ct)
    {
        if (!Database.IsNpgsql())
            return;
        await Database.ExecuteSqlRawAsync(AuditChain.PostgresLockSql, ct);
        await LockEventLogAsync(ct);
    }

    private void LockEventLog() => Database.ExecuteSql($"SELECT pg_advisory_xact_lock({EventLogLockKey})");

    private Task<int> LockEventLogAsync(CancellationToken ct) => Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({EventLogLockKey})", ct);

    /// <summary>
    /// The transactional outbox: events recorded by aggregates become event-log rows in the same SaveChanges, so a
    /// change is never committed without its event, nor an event without its change.
    /// </summary>
    private bool AppendRecordedEvents()
    {
        var appended = false;
        var now = time.GetUtcNow();
        foreach (var entry in ChangeTracker.Entries<IRecordsEvents>().ToList())
        {
            foreach (var domainEvent in entry.Entity.PendingEvents)
            {
                Events.Add(EventRecord.From(domainEvent, now, JsonSerializer.Serialize(domainEvent.Data, EventJson)));
                appended = true;
            }
            entry.Entity.ClearPendingEvents();
        }
        return appended;
    }

    private sealed class ParticipantIdConverter() : ValueConverter<ParticipantId, string>(
        id => id.Value,
        value => ParticipantId.Parse(value));

    private sealed class AssetIdConverter() : ValueConverter<AssetId, string>(
        id => id.Value,
        value => AssetId.Parse(value));
}
