using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Duplicates;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlexRegistry.Persistence;

/// <summary>
/// The unit of work for the whole register. One model serves SQLite and PostgreSQL; the provider-specific
/// subclasses exist only so each provider has its own migration set.
/// </summary>
public abstract class RegistryDbContext(DbContextOptions options, TimeProvider time) : DbContext(options), IDataProtectionKeyContext
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

    /// <summary>The Data Protection key ring (each key encrypted at rest; see <see cref="DataProtectionKeys"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

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

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.AddInterceptors(AppendLogsAtCommit.Instance);

    /// <summary>Audit entries and events of the current unit of work, held until its commit (see <see cref="FlushAppendsAsync"/>).</summary>
    private readonly List<DomainEvent> _pendingEvents = [];
    private readonly List<AuditEntry> _deferredAudit = [];
    private readonly List<DomainEvent> _deferredEvents = [];
    private Guid? _deferredIn;
    private Guid? _eventsCommittedBy;

    /// <summary>The SQLite write gate this context holds, if any (see <see cref="SqliteWriteGate"/>).</summary>
    internal SqliteWriteGate? WriteGate { get; set; }

    /// <summary>The statement the gate is held for, when it is held for one write outside a transaction.</summary>
    internal System.Data.Common.DbCommand? WriteGateStatement { get; set; }

    internal void LeaveWriteGate()
    {
        var gate = WriteGate;
        WriteGate = null;
        WriteGateStatement = null;
        gate?.Release();
    }

    public override void Dispose()
    {
        base.Dispose();
        LeaveWriteGate();
        GC.SuppressFinalize(this);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        LeaveWriteGate();
        GC.SuppressFinalize(this);
    }

    /// <summary>After a commit that appended events: tells the webhook dispatcher there is something to fan out.</summary>
    internal void AfterCommit(Guid transactionId)
    {
        if (_eventsCommittedBy != transactionId)
            return;
        _eventsCommittedBy = null;
        this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService<EventLogSignal>()?.Wake();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        CollectRecordedEvents();
        if (_pendingAudit.Count > 0 || _pendingEvents.Count > 0)
            throw new InvalidOperationException("Changes with audit entries or events are saved with SaveChangesAsync.");
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>
    /// Saves the change now and its audit entries and events at commit. Appends to the audit chain and the event log
    /// are serialised across the register (see <see cref="FlushAppendsAsync"/>), so they are made in the last step
    /// before commit: the rest of the transaction (inserts, unique checks, row locks) runs concurrently with other
    /// writers, and the serialised section is a few statements long.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var current = Database.CurrentTransaction;
        if (_deferredIn is { } owner && owner != current?.TransactionId)
        {
            // The transaction these belonged to ended without committing (it would have flushed them): they never happened.
            _deferredAudit.Clear();
            _deferredEvents.Clear();
            _deferredIn = null;
        }
        CollectRecordedEvents();
        if (_pendingAudit.Count == 0 && _pendingEvents.Count == 0)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (current is not null)
        {
            var written = await SaveOrDropAppendsAsync(acceptAllChangesOnSuccess, cancellationToken);
            Defer(current.TransactionId);
            return written;
        }

        var strategy = Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await Database.BeginTransactionAsync(ct);
            var written = await SaveOrDropAppendsAsync(acceptAllChangesOnSuccess, ct);
            Defer(transaction.TransactionId);
            await transaction.CommitAsync(ct);
            return written;
        }, cancellationToken);
    }

    /// <summary>
    /// A save that fails takes its queued audit entries and events with it: they describe a change that did not
    /// happen (e.g. the losing insert of a concurrent duplicate), and a caller that retries records them afresh.
    /// </summary>
    private async Task<int> SaveOrDropAppendsAsync(bool acceptAllChangesOnSuccess, CancellationToken ct)
    {
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
        }
        catch
        {
            _pendingAudit.Clear();
            _pendingEvents.Clear();
            throw;
        }
    }

    private void Defer(Guid transactionId)
    {
        _deferredAudit.AddRange(_pendingAudit);
        _deferredEvents.AddRange(_pendingEvents);
        _pendingAudit.Clear();
        _pendingEvents.Clear();
        _deferredIn = transactionId;
    }

    /// <summary>
    /// Runs as the transaction commits (<see cref="AppendLogsAtCommit"/>): appends the unit of work's audit entries to the
    /// chain and its events to the log. Both are serialised across the register — reading the chain head and adding the
    /// next link must not interleave, and PostgreSQL assigns identity values at insert, not at commit, so without a lock
    /// held until commit a reader could see sequence 11 committed before 10 and move its cursor past 10 for good. One
    /// transaction-level lock per log (PostgreSQL advisory locks, always audit then events, so writers cannot deadlock;
    /// SQLite's single database write lock) is taken here and held to commit, which follows at once.
    /// </summary>
    /// <returns>
    /// True when the append locks were taken on PostgreSQL: the caller then commits synchronously (see
    /// <see cref="AppendLogsAtCommit"/>).
    /// </returns>
    internal async Task<bool> FlushAppendsAsync(Guid transactionId, CancellationToken ct)
    {
        if (_deferredIn != transactionId)
            return false;
        CollectRecordedEvents();
        var audit = _deferredAudit.Concat(_pendingAudit).ToList();
        var events = _deferredEvents.Concat(_pendingEvents).ToList();
        _deferredAudit.Clear();
        _deferredEvents.Clear();
        _pendingAudit.Clear();
        _pendingEvents.Clear();
        _deferredIn = null;
        if (audit.Count == 0 && events.Count == 0)
            return false;
        if (events.Count > 0)
            _eventsCommittedBy = transactionId;

        (long Sequence, string Hash)? head = null;
        if (audit.Count > 0)
        {
            // PostgreSQL: one round trip for the locks and the head, since every round trip made while holding them is
            // one every other writer waits for.
            head = Database.IsNpgsql()
                ? await AuditChain.LockAndReadHeadAsync(this, events.Count > 0 ? BothLocksSql : AuditChain.PostgresLockSql, ct)
                : await TakeSqliteWriteLockThenReadHeadAsync(ct);
        }
        else if (Database.IsNpgsql())
            await Database.ExecuteSqlRawAsync(EventLogLockSql, ct);
        // Stamped once the locks are held: the records' time is that of the commit that follows at once (an event's
        // `time` then measures commit→delivery, not the wait for other writers' commits too).
        var now = time.GetUtcNow();
        if (audit.Count > 0)
            AuditChain.Append(this, audit, head, now, this.GetService<AuditOptions>(), this.GetService<AuditCheckpointKey>());
        foreach (var domainEvent in events)
            Events.Add(EventRecord.From(domainEvent, now));

        var savepoints = Database.AutoSavepointsEnabled;
        Database.AutoSavepointsEnabled = false;
        try
        {
            if (Database.IsNpgsql())
            {
                // Synchronous while the locks are held: an await here would queue this writer's continuation behind
                // every other request's work on the thread pool, and all other writers wait for these locks. A blocked
                // thread answers as soon as PostgreSQL does; at most one thread holds the locks at a time.
                base.SaveChanges(true);
                return true;
            }
            await base.SaveChangesAsync(true, ct);
            return false;
        }
        finally
        {
            Database.AutoSavepointsEnabled = savepoints;
        }
    }

    private async Task<(long Sequence, string Hash)?> TakeSqliteWriteLockThenReadHeadAsync(CancellationToken ct)
    {
        await AuditChain.TakeSqliteWriteLockAsync(this, ct);
        return await AuditChain.ReadHeadAsync(this, ct);
    }

    /// <summary>A commit without <see cref="FlushAppendsAsync"/> would lose audit entries or events: refuse it.</summary>
    internal void RefuseUnflushedCommit(Guid transactionId)
    {
        if (_deferredIn == transactionId)
            throw new InvalidOperationException("A transaction with audit entries or events must be committed with CommitAsync.");
    }

    private static readonly string EventLogLockSql = $"SELECT pg_advisory_xact_lock({EventLogLockKey})";
    private static readonly string BothLocksSql = $"SELECT pg_advisory_xact_lock(hashtext('flexregistry-audit-chain')), pg_advisory_xact_lock({EventLogLockKey})";

    /// <summary>
    /// For bulk writers that append audit records and events themselves within an open transaction: takes the audit
    /// chain lock, then the event-log lock (the same order as <see cref="FlushAppendsAsync"/>). Take them as late as
    /// possible: they are held until commit, and every other writer's commit waits for them. On SQLite the
    /// transaction's first write has already taken the database's single write lock, which covers both.
    /// </summary>
    internal async Task LockAppendLogsAsync(CancellationToken ct)
    {
        if (Database.IsNpgsql())
            await Database.ExecuteSqlRawAsync(BothLocksSql, ct);
    }

    /// <summary>
    /// The transactional outbox: events recorded by tracked aggregates become event-log rows in the same transaction
    /// as the change, so a change is never committed without its event, nor an event without its change.
    /// </summary>
    private void CollectRecordedEvents()
    {
        foreach (var entry in TrackedEntries<IRecordsEvents>())
        {
            _pendingEvents.AddRange(entry.Entity.PendingEvents);
            entry.Entity.ClearPendingEvents();
        }
    }

    /// <summary>
    /// The tracked entries of type <typeparamref name="T"/>, without the full change detection that
    /// <c>ChangeTracker.Entries</c> runs first (a snapshot comparison of every property of every tracked entity). The
    /// callers need the tracked instances and their Added state, which detection does not change; SaveChanges still
    /// detects changes itself.
    /// </summary>
    internal List<EntityEntry<T>> TrackedEntries<T>() where T : class
    {
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return [.. ChangeTracker.Entries<T>()];
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    private sealed class ParticipantIdConverter() : ValueConverter<ParticipantId, string>(
        id => id.Value,
        value => ParticipantId.Parse(value));

    private sealed class AssetIdConverter() : ValueConverter<AssetId, string>(
        id => id.Value,
        value => AssetId.Parse(value));
}
