using System.Text.Json;
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
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();
    public DbSet<DuplicateCase> DuplicateCases => Set<DuplicateCase>();
    public DbSet<EventRecord> Events => Set<EventRecord>();
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();
    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();

    /// <summary>
    /// Queues an audit record for the next <see cref="SaveChangesAsync(bool, CancellationToken)"/>, which writes it in
    /// the same transaction as the change: if the record cannot be written, nothing is (fail closed). For reads, call
    /// SaveChangesAsync before answering.
    /// </summary>
    public void Audit(AuditEntry entry) => _pendingAudit.Add(entry);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<ParticipantId>().HaveConversion<ParticipantIdConverter>().HaveMaxLength(ParticipantId.Length);
        configurationBuilder.Properties<ParticipantStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<VerificationStage>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ApiClientStatus>().HaveConversion<string>().HaveMaxLength(16);
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
        AppendRecordedEvents();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AppendRecordedEvents();
        if (_pendingAudit.Count == 0)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

        if (Database.CurrentTransaction is not null)
        {
            await AppendAuditAsync(cancellationToken);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        // The chain head must be read and extended under the same lock and transaction as the change itself.
        var strategy = Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await Database.BeginTransactionAsync(ct);
            await AppendAuditAsync(ct);
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
            await transaction.CommitAsync(ct);
            return written;
        }, cancellationToken);
    }

    private async Task AppendAuditAsync(CancellationToken ct)
    {
        var entries = _pendingAudit.ToList();
        _pendingAudit.Clear();
        await AuditChain.AppendAsync(this, entries, time.GetUtcNow(), this.GetService<AuditOptions>(), this.GetService<AuditCheckpointKey>(), ct);
    }

    /// <summary>
    /// The transactional outbox: events recorded by aggregates become event-log rows in the same SaveChanges, so a
    /// change is never committed without its event, nor an event without its change.
    /// </summary>
    private void AppendRecordedEvents()
    {
        var now = time.GetUtcNow();
        foreach (var entry in ChangeTracker.Entries<IRecordsEvents>().ToList())
        {
            foreach (var domainEvent in entry.Entity.PendingEvents)
                Events.Add(EventRecord.From(domainEvent, now, JsonSerializer.Serialize(domainEvent.Data, EventJson)));
            entry.Entity.ClearPendingEvents();
        }
    }

    private sealed class ParticipantIdConverter() : ValueConverter<ParticipantId, string>(
        id => id.Value,
        value => ParticipantId.Parse(value));
}
