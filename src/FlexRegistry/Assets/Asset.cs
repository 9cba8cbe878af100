using System.Text.Json.Nodes;
using FlexRegistry.Assets.Matching;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Assets;

/// <summary>
/// A physical asset (or a portfolio, which is a kind of asset) with one register-wide ID. Declared data is accepted
/// at once as provisional; a trusted source may confirm it later, field group by field group.
/// </summary>
public sealed partial class Asset : EventSource
{
    private List<string> _marketQualifications = [];
    private readonly List<AssetChange> _changes = [];

    private Asset() { }

    public AssetId Id { get; private set; }
    public string Type { get; private set; } = "";
    public AssetStatus Status { get; private set; }
    public DataStatus DataStatus { get; private set; }
    public AssetId? MergedInto { get; private set; }

    public string? Mpan { get; private set; }
    public string? ExportMpan { get; private set; }
    public string? Manufacturer { get; private set; }
    public string? Model { get; private set; }
    public string? SerialNumber { get; private set; }

    /// <summary>Normalised exact identity keys (<see cref="AssetKeys"/>); unique in the database.</summary>
    public string? IdentityKey { get; private set; }
    public string? MeterKey { get; private set; }

    /// <summary>Blocking keys of the second-level de-duplication (<see cref="AssetBlocking"/>), indexed, never unique.</summary>
    public string? SerialKey { get; private set; }
    public string? AddressKey { get; private set; }
    public string? GeoCell { get; private set; }

    public string? AddressLine1 { get; private set; }
    public string? Town { get; private set; }
    public string? Postcode { get; private set; }
    public string? PostcodeDistrict { get; private set; }
    public double? Latitude { get; private set; }
    public double? Longitude { get; private set; }

    /// <summary>Derived from the MPAN's distributor ID, else from the postcode area; stored for search.</summary>
    public int? DnoDistributorId { get; private set; }
    public string? GspGroup { get; private set; }

    public double? ImportCapacityKw { get; private set; }
    public double? ExportCapacityKw { get; private set; }
    public double? StorageCapacityKwh { get; private set; }

    /// <summary>The larger of import and export capacity: what capacity searches compare.</summary>
    public double? RatedCapacityKw { get; private set; }
    public double? ConnectionVoltageKv { get; private set; }
    public DateOnly? CommissioningDate { get; private set; }

    public string? ConsentReference { get; private set; }
    public string? ConsentMethod { get; private set; }
    public DateOnly? ConsentDate { get; private set; }

    /// <summary>Markets the registrant declared the asset already qualified in (BUC.2 step 2b).</summary>
    public IReadOnlyList<string> MarketQualifications => _marketQualifications;

    public ParticipantId RegistrantId { get; private set; }

    /// <summary>Participants attached to the asset, space-delimited with leading/trailing spaces (who may read it, who hears of it).</summary>
    public string Parties { get; private set; } = " ";

    public Provenance IdentityProvenance { get; private set; } = null!;
    public Provenance TechnicalProvenance { get; private set; } = null!;
    public Provenance LocationProvenance { get; private set; } = null!;
    public Provenance ConsentProvenance { get; private set; } = null!;

    /// <summary>
    /// The confirmation queue is this column: when a trusted source should next be asked (null: nothing to ask).
    /// Nothing is lost if the service stops; the worker picks up whatever is due on restart.
    /// </summary>
    public DateTimeOffset? ConfirmationDueAt { get; private set; }
    public int ConfirmationAttempts { get; private set; }

    /// <summary>The last confirmation outcome or error, for the registrant and the operator.</summary>
    public string? ConfirmationNote { get; private set; }

    public DateTimeOffset RegisteredAt { get; private set; }

    /// <summary>
    /// The bulk import and row that registered the asset (null for a single registration). A row simply registered has
    /// no result row of its own: its result is read from here.
    /// </summary>
    public Guid? ImportId { get; private set; }
    public int? ImportRow { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>App-managed optimistic concurrency token; the ETag.</summary>
    public Guid Version { get; private set; }

    /// <summary>
    /// The asset's version number: 1 at registration, one more with every change, each change kept as an
    /// <see cref="AssetChange"/> of that number. Changes with <see cref="Version"/>, always together.
    /// </summary>
    public long VersionNumber { get; private set; }

    /// <summary>Whether changes were made whose history rows were not yet taken (<see cref="TakeChanges"/>).</summary>
    internal bool HasPendingChanges => _changes.Count > 0;

    /// <summary>The history rows of the changes made since the last call: the use case adds them to the unit of work with the change.</summary>
    public IReadOnlyList<AssetChange> TakeChanges()
    {
        if (_changes.Count == 0)
            return [];
        AssetChange[] taken = [.. _changes];
        _changes.Clear();
        return taken;
    }

    /// <summary>Marks the asset as registered by row <paramref name="row"/> of import <paramref name="importId"/>.</summary>
    internal void RegisteredByImport(Guid importId, int row)
    {
        ImportId = importId;
        ImportRow = row;
    }

    public AssetType AssetType => Assets.AssetType.Find(Type)!;

    public bool FastTracked => _marketQualifications.Count > 0;

    public IReadOnlyList<string> PartyList => PartyListOf(Parties);

    /// <summary>The participant IDs a <see cref="Parties"/> value names, in stored order.</summary>
    public static string[] PartyListOf(string parties) => parties.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The length of <see cref="Parties"/> holding one participant (participant IDs have a fixed length).</summary>
    public const int SinglePartyLength = ParticipantId.Length + 2;

    /// <summary>
    /// Assets with more than one party (survivors of merges: few), as a predicate a partial index answers
    /// (<c>ix_assets_shared_parties</c>, <see cref="AssetConfiguration"/>; the query must carry this very condition).
    /// </summary>
    public static readonly System.Linq.Expressions.Expression<Func<Asset, bool>> SharedParties = a => a.Parties.Length > SinglePartyLength;

    public bool HasParty(ParticipantId participant) => Parties.Contains(" " + participant.Value + " ", StringComparison.Ordinal);

    public static Asset Register(AssetData data, ParticipantId registrant, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(data);
        var declared = Provenance.Declared(registrant.Value);
        var asset = new Asset
        {
            Id = AssetId.New(data.Type),
            Type = data.Type.Code,
            DataStatus = DataStatus.Provisional,
            RegistrantId = registrant,
            Parties = " " + registrant.Value + " ",
            IdentityProvenance = declared,
            TechnicalProvenance = declared,
            LocationProvenance = declared,
            ConsentProvenance = declared,
            RegisteredAt = now,
            ConfirmationDueAt = now,
        };
        asset.Apply(data, registrant.Value);
        asset.UpdatedAt = now;
        asset.Version = Guid.NewGuid();
        asset.VersionNumber = 1;
        asset.Record("asset.registered", asset.Id.Value,
            asset.EventData(("type", asset.Type), ("status", asset.Status.ToWire()), ("fastTracked", asset.FastTracked)),
            registrant.Value);
        return asset;
    }

    /// <summary>
    /// Event data about this asset: its ID plus a coarse <c>location</c> (DNO area, GSP group, postcode district and
    /// coordinates rounded to two decimals, about 1 km) so area subscriptions (geofences) can match without the events
    /// carrying a household's exact position.
    /// </summary>
    private Dictionary<string, object?> EventData(params (string Key, object? Value)[] fields)
    {
        var data = new Dictionary<string, object?> { ["assetId"] = Id.Value };
        foreach (var (key, value) in fields)
            data[key] = value;
        data["location"] = new Dictionary<string, object?>
        {
            ["dnoArea"] = DnoDistributorId,
            ["gspGroup"] = GspGroup,
            ["postcodeDistrict"] = PostcodeDistrict,
            ["latitude"] = Latitude is { } lat ? Math.Round(lat, 2) : null,
            ["longitude"] = Longitude is { } lon ? Math.Round(lon, 2) : null,
        };
        return data;
    }

    /// <summary>
    /// Replaces the declared data (a PATCH, after re-validation and the field ownership check). Field groups whose values
    /// changed go back to provisional, declared by the writer. A patch that changes nothing makes no version.
    /// </summary>
    public void Update(AssetData data, AssetActor by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(by);
        EnsureChangeable();
        if (!AssetStatusTransitions.CanMove(Status, data.Status))
            throw new DomainRuleException(AssetErrors.InvalidTransition, $"A {Status.ToWire()} asset cannot become {data.Status.ToWire()}.",
                new Dictionary<string, object?> { ["currentStatus"] = Status.ToWire() });
        var before = Snapshot();
        var from = Status;
        var changed = Apply(data, by.DeclaredBy);
        if (changed.Count == 0)
            return;
        RequeueConfirmationIf(changed, now);
        var commissioned = from != Status;
        Commit(before, commissioned ? "asset.commissioned" : "asset.updated", by, null, now);
        Record("asset.updated", Id.Value,
            EventData(("changed", changed.ToArray()), ("version", VersionNumber)),
            [.. PartyList]);
        if (commissioned)
            Record("asset.commissioned", Id.Value,
                EventData(("from", from.ToWire()), ("to", Status.ToWire()), ("version", VersionNumber)),
                [.. PartyList]);
    }

    /// <summary>
    /// Change of owner (lifecycle): the new owner's consent evidence replaces the old. The parties' side of it (the old
    /// owner detached, the new one attached) is the use case's, in the same unit of work.
    /// </summary>
    public void ChangeOwner(AssetData data, AssetActor by, string? newOwner, string? reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(by);
        EnsureChangeable();
        var before = Snapshot();
        var changed = Apply(data, by.DeclaredBy);
        Commit(before, "asset.owner_changed", by, reason, now);
        Record("asset.owner_changed", Id.Value,
            EventData(("newOwnerId", newOwner), ("changed", changed.ToArray()), ("version", VersionNumber)),
            [.. PartyList]);
    }

    /// <summary>
    /// Move to a new meter point (lifecycle): the MPANs change, and with them the exact meter key (unique in the
    /// database) and the derived network area; the identity data is provisional until re-confirmed.
    /// </summary>
    public void MoveMeterPoint(AssetData data, AssetActor by, string? reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(by);
        EnsureChangeable();
        var before = Snapshot();
        var changed = Apply(data, by.DeclaredBy);
        RequeueConfirmationIf(changed, now);
        Commit(before, "asset.meter_point_moved", by, reason, now);
        Record("asset.meter_point_moved", Id.Value,
            EventData(("changed", changed.ToArray()), ("version", VersionNumber)),
            [.. PartyList]);
    }

    /// <summary>An upgrade (lifecycle): new technical data, provisional again until a trusted source re-confirms it.</summary>
    public void Upgrade(AssetData data, AssetActor by, string? reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(by);
        EnsureChangeable();
        if (Status != AssetStatus.Commissioned)
            throw new DomainRuleException(AssetErrors.InvalidTransition, $"Only a commissioned asset is upgraded; a {Status.ToWire()} one is changed with PATCH.",
                new Dictionary<string, object?> { ["currentStatus"] = Status.ToWire() });
        var before = Snapshot();
        var changed = Apply(data, by.DeclaredBy);
        RequeueConfirmationIf(changed, now);
        Commit(before, "asset.upgraded", by, reason, now);
        Record("asset.upgraded", Id.Value,
            EventData(("changed", changed.ToArray()), ("version", VersionNumber)),
            [.. PartyList]);
    }

    /// <summary>
    /// Decommissioning (lifecycle): out of service for good. The ID and the history stay; nothing more is asked of
    /// trusted sources.
    /// </summary>
    public void Decommission(AssetActor by, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(by);
        EnsureChangeable();
        var before = Snapshot();
        var from = Status;
        Status = AssetStatus.Decommissioned;
        ConfirmationDueAt = null;
        Commit(before, "asset.decommissioned", by, reason, now);
        Record("asset.decommissioned", Id.Value,
            EventData(("from", from.ToWire()), ("to", Status.ToWire()), ("version", VersionNumber)),
            [.. PartyList]);
    }

    private void EnsureChangeable()
    {
        if (Status == AssetStatus.Merged)
            throw new DomainRuleException(AssetErrors.InvalidTransition, $"Asset {Id} was merged into {MergedInto}; change the survivor instead.",
                new Dictionary<string, object?> { ["currentStatus"] = Status.ToWire() });
        if (Status == AssetStatus.Decommissioned)
            throw new DomainRuleException(AssetErrors.InvalidTransition, $"Asset {Id} is decommissioned; it keeps its ID and history but changes no more.",
                new Dictionary<string, object?> { ["currentStatus"] = Status.ToWire() });
    }

    private void RequeueConfirmationIf(List<string> changed, DateTimeOffset now)
    {
        if (changed.Contains("identity") || changed.Contains("technical"))
        {
            // Declared data changed: it is provisional again until a trusted source confirms the new values.
            ConfirmationDueAt = now;
            ConfirmationAttempts = 0;
        }
    }

    /// <summary>
    /// Someone tried to register this asset again (BUC.2 step 5a): its parties are told that it happened, the caller
    /// learns only the ID. Who tried is not in the event: that another provider is signing up the same household is
    /// commercially sensitive to both sides. The registry operator finds who in the audit trail (a single registration) or
    /// in the import's results (bulk).
    /// </summary>
    public void RecordDuplicateAttempt() =>
        Record("asset.duplicate_attempted", Id.Value, EventData(), [.. PartyList]);

    /// <summary>This asset was a duplicate of <paramref name="survivor"/>; its ID keeps resolving and points there.</summary>
    public void MergeInto(Asset survivor, string reason, AssetActor by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(survivor);
        ArgumentNullException.ThrowIfNull(by);
        if (survivor.Id == Id)
            throw new DomainRuleException(AssetErrors.InvalidTransition, "An asset cannot be merged into itself.");
        if (Status.IsFinal() || survivor.Status.IsFinal())
            throw new DomainRuleException(AssetErrors.InvalidTransition, "A merged or decommissioned asset cannot take part in a merge.");
        var before = Snapshot();
        var from = Status;
        Status = AssetStatus.Merged;
        MergedInto = survivor.Id;
        // The merged asset's registrants now have a legitimate interest in the survivor. Its data is unchanged (parties
        // are not part of it), so it keeps its version: a concurrent change to it still applies.
        survivor.AddParties(PartyList);
        Commit(before, "asset.merged", by, reason, now);
        Record("asset.merged", Id.Value,
            EventData(("from", from.ToWire()), ("mergedInto", survivor.Id.Value), ("reason", reason), ("version", VersionNumber)),
            [.. survivor.PartyList]);
    }

    /// <summary>The import's sweep, withdrawing an asset its own import registered (version 2 of that asset).</summary>
    private static readonly AssetActor ImportSweep = new(null, "system:import", ChangeSource.Import, AssetRoles.None);

    /// <summary>
    /// An import's sweep found this just-registered asset to be <paramref name="existing"/> beyond doubt (a definite match,
    /// <see cref="AssetMatcher.DefiniteWeight"/>): it is answered like an exact duplicate. Its ID keeps resolving and points
    /// to the existing asset; unlike a reviewed merge its registrant does not become a party of the existing asset (an
    /// exact duplicate does not either), and the existing asset's parties hear of the attempt (BUC.2 step 5a).
    /// </summary>
    public void WithdrawAsDuplicateOf(Asset existing, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(existing);
        if (Status.IsFinal() || existing.Status.IsFinal() || existing.Id == Id)
            throw new DomainRuleException(AssetErrors.InvalidTransition, "A merged or decommissioned asset cannot take part in a merge.");
        const string reason = "definite duplicate of an existing asset";
        var before = Snapshot();
        var from = Status;
        Status = AssetStatus.Merged;
        MergedInto = existing.Id;
        ConfirmationDueAt = null;
        Commit(before, "asset.merged", ImportSweep, reason, now);
        Record("asset.merged", Id.Value,
            EventData(("from", from.ToWire()), ("mergedInto", existing.Id.Value), ("reason", reason), ("version", VersionNumber)),
            [.. PartyList]);
        existing.RecordDuplicateAttempt();
    }

    /// <summary>A trusted source confirmed the identity and technical groups.</summary>
    public void Confirm(string source, IReadOnlyList<string> groups, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var before = Snapshot();
        if (groups.Contains("identity"))
            IdentityProvenance = IdentityProvenance.Confirm(source, now);
        if (groups.Contains("technical"))
            TechnicalProvenance = TechnicalProvenance.Confirm(source, now);
        DataStatus = DataStatus.Confirmed;
        ConfirmationDueAt = null;
        ConfirmationNote = $"Confirmed by {source}.";
        Commit(before, "asset.confirmed", AssetActor.TrustedSource(source), null, now);
        Record("asset.confirmed", Id.Value,
            EventData(("source", source), ("groups", groups.ToArray()), ("version", VersionNumber)),
            [.. PartyList]);
    }

    /// <summary>A trusted source contradicts the declared data: the asset is flagged and the registrant told.</summary>
    public void FlagMismatch(string source, IReadOnlyDictionary<string, string> differences, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(differences);
        var before = Snapshot();
        DataStatus = DataStatus.Mismatch;
        ConfirmationDueAt = null;
        ConfirmationNote = $"{source} disagrees: " + string.Join("; ", differences.Select(d => $"{d.Key}: {d.Value}"));
        Commit(before, "asset.confirmation_mismatch", AssetActor.TrustedSource(source), null, now);
        Record("asset.confirmation_mismatch", Id.Value,
            EventData(("source", source), ("fields", differences.Keys.ToArray()), ("version", VersionNumber)),
            RegistrantId.Value);
    }

    /// <summary>The source could not be asked now: try again at <paramref name="next"/>.</summary>
    public void RetryConfirmationLater(string error, DateTimeOffset next, DateTimeOffset now)
    {
        ConfirmationAttempts++;
        ConfirmationDueAt = next;
        ConfirmationNote = error;
        UpdatedAt = now;
    }

    /// <summary>No source can confirm the data (none covers it, or it stayed unavailable): it stays provisional.</summary>
    public void StopConfirming(string note, DateTimeOffset now)
    {
        ConfirmationDueAt = null;
        ConfirmationNote = note;
        UpdatedAt = now;
    }

    private void AddParties(IEnumerable<string> parties)
    {
        var all = PartyList.Concat(parties).Distinct(StringComparer.Ordinal).ToArray();
        Parties = " " + string.Join(' ', all) + " ";
    }

    /// <summary>Sets the declared data; returns the provenance groups whose values changed (declared anew by <paramref name="declaredBy"/>).</summary>
    private List<string> Apply(AssetData d, string declaredBy)
    {
        var type = d.Type;
        var changed = new List<string>();
        var identityChanged = Mpan != d.Mpan || ExportMpan != d.ExportMpan || Manufacturer != d.Manufacturer || Model != d.Model || SerialNumber != d.SerialNumber;
        var technicalChanged = ImportCapacityKw != d.ImportCapacityKw || ExportCapacityKw != d.ExportCapacityKw || StorageCapacityKwh != d.StorageCapacityKwh
            || ConnectionVoltageKv != d.ConnectionVoltageKv || CommissioningDate != d.CommissioningDate || Status != d.Status;
        var locationChanged = AddressLine1 != d.AddressLine1 || Town != d.Town || Postcode != d.Postcode || Latitude != d.Latitude || Longitude != d.Longitude;
        var consentChanged = ConsentReference != d.ConsentReference || ConsentMethod != d.ConsentMethod || ConsentDate != d.ConsentDate;
        var qualificationsChanged = !_marketQualifications.SequenceEqual(d.MarketQualifications, StringComparer.Ordinal);

        Mpan = d.Mpan;
        ExportMpan = d.ExportMpan;
        Manufacturer = d.Manufacturer;
        Model = d.Model;
        SerialNumber = d.SerialNumber;
        IdentityKey = AssetKeys.Identity(type, d.Manufacturer, d.SerialNumber, RegistrantId.Value);
        MeterKey = AssetKeys.Meter(type, d.Mpan, d.SerialNumber);
        SerialKey = type.IsPortfolio ? null : SerialNumbers.BlockingKey(d.SerialNumber);
        AddressKey = AssetBlocking.AddressKey(d.AddressLine1, d.Postcode);
        GeoCell = AssetBlocking.GeoCell(d.Latitude, d.Longitude);
        AddressLine1 = d.AddressLine1;
        Town = d.Town;
        Postcode = d.Postcode;
        PostcodeDistrict = d.PostcodeDistrict;
        Latitude = d.Latitude;
        Longitude = d.Longitude;
        DnoDistributorId = d.DnoDistributorId;
        GspGroup = d.GspGroup;
        ImportCapacityKw = d.ImportCapacityKw;
        ExportCapacityKw = d.ExportCapacityKw;
        StorageCapacityKwh = d.StorageCapacityKwh;
        RatedCapacityKw = d.ImportCapacityKw is null && d.ExportCapacityKw is null ? null : Math.Max(d.ImportCapacityKw ?? 0, d.ExportCapacityKw ?? 0);
        ConnectionVoltageKv = d.ConnectionVoltageKv;
        CommissioningDate = d.CommissioningDate;
        Status = d.Status;
        ConsentReference = d.ConsentReference;
        ConsentMethod = d.ConsentMethod;
        ConsentDate = d.ConsentDate;
        _marketQualifications = [.. d.MarketQualifications];

        if (identityChanged)
        {
            changed.Add("identity");
            IdentityProvenance = Provenance.Declared(declaredBy);
        }
        if (technicalChanged)
        {
            changed.Add("technical");
            TechnicalProvenance = Provenance.Declared(declaredBy);
        }
        if (locationChanged)
        {
            changed.Add("location");
            LocationProvenance = Provenance.Declared(declaredBy);
        }
        if (consentChanged)
        {
            changed.Add("consent");
            ConsentProvenance = Provenance.Declared(declaredBy);
        }
        if (qualificationsChanged)
            changed.Add("marketQualifications");
        if ((identityChanged || technicalChanged) && DataStatus != DataStatus.Provisional)
            DataStatus = DataStatus.Provisional;
        return changed;
    }

    /// <summary>
    /// Ends a change begun with <paramref name="before"/> = <see cref="Snapshot"/>: the next version number and ETag, and the
    /// history row of the fields that changed (taken by the use case with <see cref="TakeChanges"/>); every
    /// <see cref="AssetChange.CheckpointInterval"/>-th row also keeps the whole state before the change, its checkpoint.
    /// </summary>
    private void Commit(JsonNode?[] before, string action, AssetActor by, string? reason, DateTimeOffset now)
    {
        var changes = Diff(before, Snapshot());
        var checkpoint = AssetChange.KeepsCheckpoint(VersionNumber + 1) ? Checkpoint(before) : null;
        // Whole milliseconds, as both databases keep them: the instant answered now is the one history and as-of reads find.
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        VersionNumber++;
        Version = Guid.NewGuid();
        UpdatedAt = now;
        _changes.Add(AssetChange.Record(Id, VersionNumber, now, action, by, reason, changes, checkpoint));
    }
}

/// <summary>Where one field group's values came from: declared by a participant, confirmed (or not yet) by a trusted source.</summary>
public sealed record Provenance(string DeclaredBy, string? ConfirmedBy, DateTimeOffset? ConfirmedAt)
{
    public static Provenance Declared(string participant) => new(participant, null, null);

    public Provenance Confirm(string source, DateTimeOffset at) => this with { ConfirmedBy = source, ConfirmedAt = at };
}
