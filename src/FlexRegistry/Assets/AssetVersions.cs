using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlexRegistry.Assets;

/// <summary>
/// The asset's versioned state (BUC.2 step 7, full history and as-of reads): the fields a version records, each under
/// its JSON path as the API returns the asset (so that the visibility rule classifies a history entry exactly as it
/// classifies the asset), read as JSON values for the diff and restored from them for an as-of read. Derived fields
/// (postcode district, network area, rated capacity) are recorded too, so an as-of read restores them as they were
/// rather than deriving them again; the history API leaves them out (they follow from the fields they derive from).
/// </summary>
public sealed partial class Asset
{
    private sealed record VersionedField(string Path, bool Derived, Func<Asset, JsonNode?> Read, Action<Asset, JsonNode?> Restore);

    private static JsonValue? Text(string? value) => value is null ? null : JsonValue.Create(value);

    private static JsonValue? Number(double? value) => value is { } v ? JsonValue.Create(v) : null;

    private static JsonValue? Date(DateOnly? value) => value is { } d ? JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : null;

    private static JsonValue? Instant(DateTimeOffset? value) => value is { } t ? JsonValue.Create(t) : null;

    private static T? As<T>(JsonNode? node) => node is null ? default : node.Deserialize<T>();

    private static DateOnly? AsDate(JsonNode? node) =>
        node is null ? null : DateOnly.ParseExact(node.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static VersionedField Declared(string path, Func<Asset, JsonNode?> read, Action<Asset, JsonNode?> restore) => new(path, false, read, restore);

    private static VersionedField Derived(string path, Func<Asset, JsonNode?> read, Action<Asset, JsonNode?> restore) => new(path, true, read, restore);

    private static IEnumerable<VersionedField> ProvenanceFields(string group, Func<Asset, Provenance> get, Action<Asset, Provenance> set) =>
    [
        Declared($"provenance.{group}.declaredBy", a => Text(get(a).DeclaredBy), (a, v) => set(a, get(a) with { DeclaredBy = As<string>(v) ?? "" })),
        Declared($"provenance.{group}.confirmedBy", a => Text(get(a).ConfirmedBy), (a, v) => set(a, get(a) with { ConfirmedBy = As<string>(v) })),
        Declared($"provenance.{group}.confirmedAt", a => Instant(get(a).ConfirmedAt), (a, v) => set(a, get(a) with { ConfirmedAt = As<DateTimeOffset?>(v) })),
    ];

    private static readonly VersionedField[] Versioned =
    [
        Declared("status", a => Text(a.Status.ToWire()), (a, v) => a.Status = AssetStatusTransitions.ParseStatus(As<string>(v)!)),
        Declared("dataStatus", a => Text(a.DataStatus.ToWire()), (a, v) => a.DataStatus = AssetStatusTransitions.ParseDataStatus(As<string>(v)!)),
        Declared("mergedInto", a => Text(a.MergedInto?.Value), (a, v) => a.MergedInto = As<string>(v) is { } id ? AssetId.Parse(id) : null),
        Declared("mpan", a => Text(a.Mpan), (a, v) => a.Mpan = As<string>(v)),
        Declared("exportMpan", a => Text(a.ExportMpan), (a, v) => a.ExportMpan = As<string>(v)),
        Declared("manufacturer", a => Text(a.Manufacturer), (a, v) => a.Manufacturer = As<string>(v)),
        Declared("model", a => Text(a.Model), (a, v) => a.Model = As<string>(v)),
        Declared("serialNumber", a => Text(a.SerialNumber), (a, v) => a.SerialNumber = As<string>(v)),
        Declared("address.line1", a => Text(a.AddressLine1), (a, v) => a.AddressLine1 = As<string>(v)),
        Declared("address.town", a => Text(a.Town), (a, v) => a.Town = As<string>(v)),
        Declared("address.postcode", a => Text(a.Postcode), (a, v) => a.Postcode = As<string>(v)),
        Declared("location.latitude", a => Number(a.Latitude), (a, v) => a.Latitude = As<double?>(v)),
        Declared("location.longitude", a => Number(a.Longitude), (a, v) => a.Longitude = As<double?>(v)),
        Declared("importCapacityKw", a => Number(a.ImportCapacityKw), (a, v) => a.ImportCapacityKw = As<double?>(v)),
        Declared("exportCapacityKw", a => Number(a.ExportCapacityKw), (a, v) => a.ExportCapacityKw = As<double?>(v)),
        Declared("storageCapacityKwh", a => Number(a.StorageCapacityKwh), (a, v) => a.StorageCapacityKwh = As<double?>(v)),
        Declared("connectionVoltageKv", a => Number(a.ConnectionVoltageKv), (a, v) => a.ConnectionVoltageKv = As<double?>(v)),
        Declared("commissioningDate", a => Date(a.CommissioningDate), (a, v) => a.CommissioningDate = AsDate(v)),
        Declared("ownerConsent.reference", a => Text(a.ConsentReference), (a, v) => a.ConsentReference = As<string>(v)),
        Declared("ownerConsent.method", a => Text(a.ConsentMethod), (a, v) => a.ConsentMethod = As<string>(v)),
        Declared("ownerConsent.date", a => Date(a.ConsentDate), (a, v) => a.ConsentDate = AsDate(v)),
        Declared("marketQualifications", a => new JsonArray([.. a._marketQualifications.Select(q => JsonValue.Create(q))]),
            (a, v) => a._marketQualifications = As<List<string>>(v) ?? []),
        .. ProvenanceFields("identity", a => a.IdentityProvenance, (a, p) => a.IdentityProvenance = p),
        .. ProvenanceFields("technical", a => a.TechnicalProvenance, (a, p) => a.TechnicalProvenance = p),
        .. ProvenanceFields("location", a => a.LocationProvenance, (a, p) => a.LocationProvenance = p),
        .. ProvenanceFields("consent", a => a.ConsentProvenance, (a, p) => a.ConsentProvenance = p),
        Derived("postcodeDistrict", a => Text(a.PostcodeDistrict), (a, v) => a.PostcodeDistrict = As<string>(v)),
        Derived("dnoDistributorId", a => a.DnoDistributorId is { } d ? JsonValue.Create(d) : null, (a, v) => a.DnoDistributorId = As<int?>(v)),
        Derived("gspGroup", a => Text(a.GspGroup), (a, v) => a.GspGroup = As<string>(v)),
        Derived("ratedCapacityKw", a => Number(a.RatedCapacityKw), (a, v) => a.RatedCapacityKw = As<double?>(v)),
    ];

    private static readonly HashSet<string> Paths = [.. Versioned.Select(f => f.Path)];

    private static readonly HashSet<string> DerivedPaths = [.. Versioned.Where(f => f.Derived).Select(f => f.Path)];

    /// <summary>The paths a version records (declared and derived), in order.</summary>
    internal static IReadOnlyList<string> VersionedPaths { get; } = [.. Versioned.Select(f => f.Path)];

    /// <summary>Fields derived from others: recorded for as-of reads, left out of the history the API shows.</summary>
    public static bool IsDerived(string path) => DerivedPaths.Contains(path);

    /// <summary>The versioned state now, one JSON value per <see cref="Versioned"/> field.</summary>
    private JsonNode?[] Snapshot()
    {
        var values = new JsonNode?[Versioned.Length];
        for (var i = 0; i < Versioned.Length; i++)
            values[i] = Versioned[i].Read(this);
        return values;
    }

    private static List<FieldChange> Diff(JsonNode?[] before, JsonNode?[] after)
    {
        var changes = new List<FieldChange>();
        for (var i = 0; i < Versioned.Length; i++)
        {
            if (!JsonNode.DeepEquals(before[i], after[i]))
                changes.Add(new FieldChange(Versioned[i].Path, before[i], after[i]));
        }
        return changes;
    }

    /// <summary>The whole versioned state <paramref name="state"/> (a <see cref="Snapshot"/>) as a checkpoint: field path → value.</summary>
    private static JsonObject Checkpoint(JsonNode?[] state)
    {
        var checkpoint = new JsonObject();
        for (var i = 0; i < Versioned.Length; i++)
            checkpoint[Versioned[i].Path] = state[i]?.DeepClone();
        return checkpoint;
    }

    /// <summary>
    /// Turns this (detached, never saved) instance back into the version before <paramref name="newerFirst"/>: each change,
    /// newest first, is undone by restoring its fields' old values. The caller passes, in descending version order, every
    /// change newer than the version it wants, either up to the current version (this instance's) or up to a change
    /// keeping a <see cref="AssetChange.Checkpoint"/>, the state before it, which then stands in for everything newer.
    /// </summary>
    internal void RollBack(IReadOnlyList<RecordedChange> newerFirst)
    {
        ArgumentNullException.ThrowIfNull(newerFirst);
        // From a checkpoint, the roll-back starts at the version its change made: undoing that change gives the checkpoint.
        if (newerFirst.Count > 0 && newerFirst[0].Checkpoint is not null)
            VersionNumber = newerFirst[0].Version;
        foreach (var change in newerFirst)
        {
            if (change.Version != VersionNumber)
                throw new InvalidOperationException($"Asset {Id}: rolling back version {change.Version} from version {VersionNumber}; the history has a gap.");
            VersionNumber--;
        }
        // Undoing newest first leaves each field at the old value of the oldest change that touched it, so the changes are
        // read oldest first and each field's first old value kept (as JSON text) and restored once; once every versioned
        // field has its value, the newer changes cannot alter it. A checkpoint holds the old value of every field at once:
        // reading reaches no further (a field a checkpoint lacks, one versioned only since, keeps its current value).
        var oldest = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = newerFirst.Count - 1; i >= 0 && oldest.Count < Versioned.Length; i--)
        {
            if (newerFirst[i].Checkpoint is { } checkpoint)
            {
                using var state = JsonDocument.Parse(checkpoint);
                foreach (var field in state.RootElement.EnumerateObject())
                {
                    if (Paths.Contains(field.Name))
                        oldest.TryAdd(field.Name, field.Value.ValueKind != JsonValueKind.Null ? field.Value.GetRawText() : null);
                }
                break;
            }
            using var changes = JsonDocument.Parse(newerFirst[i].ChangesJson);
            foreach (var item in changes.RootElement.EnumerateArray())
            {
                var field = item.GetProperty("field").GetString()!;
                if (Paths.Contains(field) && !oldest.ContainsKey(field))
                    oldest[field] = item.TryGetProperty("old", out var old) && old.ValueKind != JsonValueKind.Null ? old.GetRawText() : null;
            }
        }
        foreach (var versioned in Versioned)
        {
            if (oldest.TryGetValue(versioned.Path, out var old))
                versioned.Restore(this, old is null ? null : JsonNode.Parse(old));
        }
        // The version's own moment: when the change that made it happened (its registration for version 1).
        Version = Guid.Empty;
        ConfirmationNote = null;
    }

    /// <summary>The time of the version this instance holds, given the moment of its newest remaining change (null: the registration).</summary>
    internal void AsOfVersionTime(DateTimeOffset? changedAt) => UpdatedAt = changedAt ?? RegisteredAt;
}

/// <summary>
/// What an as-of read needs of a stored change: its version, its moment, its changed fields (see
/// <see cref="AssetChange.ChangesJson"/>) and the state before it when it keeps one (<see cref="AssetChange.Checkpoint"/>).
/// </summary>
internal sealed record RecordedChange(long Version, DateTimeOffset At, string ChangesJson, string? Checkpoint = null);
