using System.Security.Cryptography;
using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Participants;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;

namespace FlexRegistry.AccessLog;

/// <summary>
/// One read of other participants' data: who read (participant, and the client or user acting for it), when, for which
/// purpose, what kind of read (by ID, search, export, commercial information), which records with which field groups
/// (<see cref="AccessLogRecord"/>) and whose data they were (<see cref="AccessLogSubject"/>). A search page or an
/// export chunk is one entry covering every record it returned. <see cref="Digest"/> is SHA-256 over the entry and
/// its records; the same digest is in the entry's audit record, whose place in the audit chain makes the entry
/// tamper-evident (see <see cref="AccessLogVerification"/>).
/// </summary>
public sealed class AccessLogEntry
{
    private AccessLogEntry() { }

    /// <summary>Assigned by the database: entries are listed newest first by it.</summary>
    public long Id { get; private set; }
    public DateTimeOffset At { get; private set; }
    public ParticipantId ReaderId { get; private set; }

    /// <summary><c>client:</c> + the API client ID, or <c>user:</c> + the user ID.</summary>
    public string ReaderActor { get; private set; } = "";
    public string Purpose { get; private set; } = "";

    /// <summary><see cref="AccessActions"/>.</summary>
    public string Action { get; private set; } = "";

    /// <summary><see cref="VisibilityRule.Asset"/> or <see cref="VisibilityRule.Participant"/>.</summary>
    public string Resource { get; private set; } = "";

    /// <summary>The field groups read, over all records, comma-separated in published order.</summary>
    public string FieldGroups { get; private set; } = "";
    public int Records { get; private set; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Canonical"/>.</summary>
    public string Digest { get; private set; } = "";

    internal static AccessLogEntry Draft(AccessRead read, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(read);
        var union = read.Records.Aggregate(GroupSet.None, (all, r) => all.Union(r.Groups));
        var entry = new AccessLogEntry
        {
            // Millisecond precision survives both providers' timestamp types, so the digest can be recomputed.
            At = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()),
            ReaderId = read.Reader,
            ReaderActor = read.ReaderActor,
            Purpose = read.Purpose,
            Action = read.Action,
            Resource = read.Resource,
            FieldGroups = string.Join(',', union.Codes(read.Resource)),
            Records = read.Records.Count,
        };
        entry.Digest = entry.ComputeDigest(
            read.Resource == VisibilityRule.Asset ? read.Records.Select(r => (r.ResourceId, r.Groups.Bits)) : [],
            Subjects(read).Select(s => (s.Key.Value, s.Value)));
        return entry;
    }

    /// <summary>Whose data the read returned, and how many of the records were theirs.</summary>
    internal static SortedDictionary<ParticipantId, int> Subjects(AccessRead read)
    {
        var subjects = new SortedDictionary<ParticipantId, int>(Comparer<ParticipantId>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value)));
        foreach (var record in read.Records)
        {
            foreach (var subject in record.Subjects)
                subjects[subject] = subjects.GetValueOrDefault(subject) + 1;
        }
        return subjects;
    }

    /// <summary>The digest the entry's content and the given records and subjects imply.</summary>
    public string ComputeDigest(IEnumerable<(string ResourceId, int Groups)> records, IEnumerable<(string Participant, int Records)> subjects) =>
        Convert.ToHexStringLower(SHA256.HashData(Canonical(records, subjects)));

    /// <summary>A JSON array in fixed order: the entry's columns (time as Unix milliseconds), its records and its subjects, each sorted by ID.</summary>
    private byte[] Canonical(IEnumerable<(string ResourceId, int Groups)> records, IEnumerable<(string Participant, int Records)> subjects)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(At.ToUnixTimeMilliseconds());
            json.WriteStringValue(ReaderId.Value);
            json.WriteStringValue(ReaderActor);
            json.WriteStringValue(Purpose);
            json.WriteStringValue(Action);
            json.WriteStringValue(Resource);
            json.WriteStringValue(FieldGroups);
            json.WriteNumberValue(Records);
            json.WriteStartArray();
            foreach (var (id, groups) in records.OrderBy(r => r.ResourceId, StringComparer.Ordinal))
            {
                json.WriteStringValue(id);
                json.WriteNumberValue(groups);
            }
            json.WriteEndArray();
            json.WriteStartArray();
            foreach (var (participant, count) in subjects.OrderBy(s => s.Participant, StringComparer.Ordinal))
            {
                json.WriteStringValue(participant);
                json.WriteNumberValue(count);
            }
            json.WriteEndArray();
            json.WriteEndArray();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The entry's record in the audit chain: identifiers, field-group names, the purpose and the digest — never values.
    /// The subject is named when the read concerned one participant's data, so that it finds the record in its audit trail.
    /// </summary>
    internal AuditEntry ToAudit(string readerClientId, ParticipantId? onlySubject) =>
        new(ReaderId.Value, readerClientId, "access_log." + Action, "access_log_entry", Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            onlySubject?.Value,
            [.. FieldGroups.Split(',', StringSplitOptions.RemoveEmptyEntries), AuditPurpose + Purpose, AuditRecords + Records.ToString(System.Globalization.CultureInfo.InvariantCulture), AuditDigest + Digest]);

    internal const string AuditPurpose = "purpose:";
    internal const string AuditRecords = "records:";
    internal const string AuditDigest = "sha256:";
}

/// <summary>
/// One asset an entry returned, with the field groups it returned of it (bits of <see cref="GroupSet"/>). A read of
/// participant data has no rows here: its one record is the participant, its <see cref="AccessLogSubject"/>.
/// </summary>
public sealed class AccessLogRecord
{
    private AccessLogRecord() { }

    internal AccessLogRecord(long entryId, AssetId assetId, int groups)
    {
        EntryId = entryId;
        AssetId = assetId;
        Groups = groups;
    }

    public AssetId AssetId { get; private set; }
    public long EntryId { get; private set; }
    public int Groups { get; private set; }
}

/// <summary>A participant whose data an entry returned (an asset's party, or the participant whose information was read), and how many records.</summary>
public sealed class AccessLogSubject
{
    private AccessLogSubject() { }

    internal AccessLogSubject(long entryId, ParticipantId participantId, int records)
    {
        EntryId = entryId;
        ParticipantId = participantId;
        Records = records;
    }

    public ParticipantId ParticipantId { get; private set; }
    public long EntryId { get; private set; }
    public int Records { get; private set; }
}

/// <summary>The kinds of read the access log records.</summary>
public static class AccessActions
{
    public const string AssetRead = "asset.read";
    public const string AssetSearch = "asset.search";
    public const string AssetExport = "asset.export";
    public const string CommercialInformationRead = "commercial_information.read";

    public static readonly IReadOnlyList<string> All = [AssetRead, AssetSearch, AssetExport, CommercialInformationRead];
}

/// <summary>What a read returned, handed to <see cref="AccessLogRecorder"/> before the data is returned.</summary>
public sealed record AccessRead(
    ParticipantId Reader,
    string ReaderActor,
    string ReaderClientId,
    string Purpose,
    string Action,
    string Resource,
    IReadOnlyList<ReadRecord> Records);

/// <summary>One record read: its ID, the field groups returned, and its parties (whose data it is).</summary>
public readonly record struct ReadRecord(string ResourceId, GroupSet Groups, IReadOnlyList<ParticipantId> Subjects);

public static class AccessLogErrors
{
    public static readonly ErrorCode Unavailable = new("access_log.unavailable", 503,
        "The read could not be recorded in the access log, so no data is returned; try again shortly.");
}
