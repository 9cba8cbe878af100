using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Duplicates;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlexRegistry.Persistence;

/// <summary>
/// The unit of work for the whole register. One model serves SQLite and PostgreSQL; the provider-specific
/// subclasses exist only so each provider has its own migration set.
/// </summary>
public abstract class RegistryDbContext(DbContextOptions options, TimeProvider time) : DbContext(options)
{
    internal static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

    public DbSet<Participant> Participants => Set<Participant>();
    public DbSet<StatusChange> ParticipantStatusChanges => Set<StatusChange>();
    public DbSet<CommercialInformation> CommercialInformation => Set<CommercialInformation>();
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();
    public DbSet<DuplicateCase> DuplicateCases => Set<DuplicateCase>();
    public DbSet<EventRecord> Events => Set<EventRecord>();
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

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
        AppendRecordedEvents();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AppendRecordedEvents();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
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

    private sealed class AssetIdConverter() : ValueConverter<AssetId, string>(
        id => id.Value,
        value => AssetId.Parse(value));
}
