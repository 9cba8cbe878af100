using System.Text.Json;
using FlexRegistry.AccessLog;
using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Duplicates;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlexRegistry.Persistence;

/// <summary>
/// The unit of work for the whole register. One model serves SQLite and PostgreSQL; the provider-specific
/// subclasses exist only so each provider has its own migration set.
/// </summary>
public abstract class RegistryDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    internal static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web);

    public DbSet<Participant> Participants => Set<Participant>();
    public DbSet<StatusChange> ParticipantStatusChanges => Set<StatusChange>();
    public DbSet<CommercialInformation> CommercialInformation => Set<CommercialInformation>();
    public DbSet<MarketInterest> MarketInterests => Set<MarketInterest>();
    public DbSet<DataSharingGrant> DataSharingGrants => Set<DataSharingGrant>();
    public DbSet<DataSharingGrantAsset> DataSharingGrantAssets => Set<DataSharingGrantAsset>();
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();
    public DbSet<DuplicateCase> DuplicateCases => Set<DuplicateCase>();
    public DbSet<EventRecord> Events => Set<EventRecord>();
    public DbSet<SequencedEvent> SequencedEvents => Set<SequencedEvent>();
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();
    public DbSet<AuditLeaf> AuditLeaves => Set<AuditLeaf>();
    public DbSet<AuditTreeNode> AuditTreeNodes => Set<AuditTreeNode>();
    public DbSet<AuditTreeHead> AuditTreeHeads => Set<AuditTreeHead>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    /// <summary>The Data Protection key ring (each key encrypted at rest; see <see cref="DataProtectionKeys"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<AssetAccessWindow> AssetAccessWindows => Set<AssetAccessWindow>();
    public DbSet<AssetChange> AssetChanges => Set<AssetChange>();
    public DbSet<AssetParty> AssetParties => Set<AssetParty>();
    public DbSet<AccessLogEntry> AccessLogEntries => Set<AccessLogEntry>();
    public DbSet<AccessLogRecord> AccessLogRecords => Set<AccessLogRecord>();
    public DbSet<AccessLogSubject> AccessLogSubjects => Set<AccessLogSubject>();
    public DbSet<AccessNotificationSetting> AccessNotificationSettings => Set<AccessNotificationSetting>();
    public DbSet<AccessNotificationAsset> AccessNotificationAssets => Set<AccessNotificationAsset>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Assets.Imports.AssetImport> AssetImports => Set<Assets.Imports.AssetImport>();
    public DbSet<Assets.Imports.AssetImportRow> AssetImportRows => Set<Assets.Imports.AssetImportRow>();
    public DbSet<Assets.Imports.AssetImportResult> AssetImportResults => Set<Assets.Imports.AssetImportResult>();
    public DbSet<Market.Product> Products => Set<Market.Product>();
    public DbSet<Market.PortfolioMember> PortfolioMembers => Set<Market.PortfolioMember>();
    public DbSet<Market.OperatorClaim> OperatorClaims => Set<Market.OperatorClaim>();
    public DbSet<Market.ClaimContest> ClaimContests => Set<Market.ClaimContest>();
    public DbSet<Market.Contract> Contracts => Set<Market.Contract>();
    public DbSet<Market.Conflict> Conflicts => Set<Market.Conflict>();
    public DbSet<Market.ConflictCheck> ConflictChecks => Set<Market.ConflictCheck>();
    public DbSet<Market.OwnerSession> OwnerSessions => Set<Market.OwnerSession>();
    public DbSet<Market.OwnerAccessFailure> OwnerAccessFailures => Set<Market.OwnerAccessFailure>();
    public DbSet<Onboarding.PublishedMarket> Markets => Set<Onboarding.PublishedMarket>();
    public DbSet<Onboarding.MarketOnboarding> MarketOnboardings => Set<Onboarding.MarketOnboarding>();
    public DbSet<Onboarding.OnboardingRequest> OnboardingRequests => Set<Onboarding.OnboardingRequest>();
    public DbSet<Onboarding.OnboardingDocument> OnboardingDocuments => Set<Onboarding.OnboardingDocument>();

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
        configurationBuilder.Properties<AssetPartyStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<AssetPartyId>().HaveConversion<AssetPartyIdConverter>();
        Market.MarketConfiguration.Conventions(configurationBuilder);
        Onboarding.OnboardingConfiguration.Conventions(configurationBuilder);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RegistryDbContext).Assembly);
        modelBuilder.UseOpenIddict();
        // The writer's transaction of each log row: the database fills it in at insert (see LogSequencer).
        WriterTransaction(modelBuilder.Entity<EventRecord>().Property(e => e.TransactionId).HasAnnotation(WriterTransactionAnnotation, true));
        WriterTransaction(modelBuilder.Entity<AuditRecord>().Property(r => r.TransactionId).HasAnnotation(WriterTransactionAnnotation, true));
    }

    /// <summary>Marks a column the database fills in with the writer's transaction (the bulk writer leaves it to the database).</summary>
    internal const string WriterTransactionAnnotation = "FlexRegistry:WriterTransaction";

    /// <summary>How the provider fills in a log row's writer transaction at insert.</summary>
    protected abstract void WriterTransaction(Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<long> property);

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

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseUntakenEvents();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseUntakenEvents();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Fail closed for events: an aggregate saved with events its use case did not hand to the <see cref="Journal"/>
    /// would change without telling anyone, so the save is refused. Likewise an asset saved with a change whose history
    /// row its use case did not add: a version would be missing from its history. This is a check only; nothing is
    /// written here.
    /// </summary>
    private void RefuseUntakenEvents()
    {
        foreach (var entry in TrackedEntries<EventSource>())
        {
            if (entry.Entity.HasPendingEvents)
                throw new InvalidOperationException($"A {entry.Entity.GetType().Name} is saved with events that were not handed to the journal.");
            if (entry.Entity is Asset { HasPendingChanges: true } asset)
                throw new InvalidOperationException($"Asset {asset.Id} is saved with a change whose history row was not taken.");
        }
    }

    /// <summary>
    /// The tracked entries of type <typeparamref name="T"/>, without the full change detection that
    /// <c>ChangeTracker.Entries</c> runs first (a snapshot comparison of every property of every tracked entity). The
    /// callers need the tracked instances, which detection does not change; SaveChanges still detects changes itself.
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

    private sealed class AssetPartyIdConverter() : ValueConverter<AssetPartyId, Guid>(
        id => id.Value,
        value => new AssetPartyId(value));

    private sealed class AssetIdConverter() : ValueConverter<AssetId, string>(
        id => id.Value,
        value => AssetId.Parse(value));
}
