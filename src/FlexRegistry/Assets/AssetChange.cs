using System.Text.Json;
using System.Text.Json.Nodes;
using FlexRegistry.Participants;

namespace FlexRegistry.Assets;

/// <summary>Where a version of an asset came from (the <c>source</c> of a history entry).</summary>
public static class ChangeSource
{
    /// <summary>A participant holding a role on the asset, through one of its API clients or users.</summary>
    public const string Party = "party";

    /// <summary>The registry operator, acting as the neutral body (corrections, duplicate merges).</summary>
    public const string RegistryOperator = "registry-operator";

    /// <summary>A trusted source (an OEM cloud, an existing market register) confirming or contradicting declared data.</summary>
    public const string TrustedSource = "trusted-source";

    /// <summary>
    /// A bulk import registered the asset (version 1), or its sweep withdrew the asset it registered as a definite
    /// duplicate of an existing one (version 2); imports never change assets they did not register.
    /// </summary>
    public const string Import = "import";
}

/// <summary>
/// Who makes a change, as it is kept in the asset's history: the participant (none for a trusted source), the client,
/// user or worker acting (<c>client:…</c>, <c>user:…</c>, <c>system:…</c>), the kind of source, and the roles the
/// participant held on the asset when it wrote (the field ownership it wrote under).
/// </summary>
public sealed record AssetActor(ParticipantId? Participant, string Actor, string Source, AssetRoles Roles, string? SourceName = null)
{
    public static AssetActor TrustedSource(string source) => new(null, "system:confirmation", ChangeSource.TrustedSource, AssetRoles.TrustedSource, source);

    /// <summary>What provenance records as the declarer of a field group this actor writes.</summary>
    public string DeclaredBy => Participant?.Value ?? SourceName ?? Actor;
}

/// <summary>One field of an asset whose value a version changed: its JSON path (as the API returns the asset), old and new value.</summary>
public sealed record FieldChange(string Field, JsonNode? Old, JsonNode? New);

/// <summary>
/// One version of an asset after its first: what changed, when, by whom, from which source and why. Exactly one row
/// per change (the registration, version 1, is the asset row itself), keyed by asset and version number, so the
/// database itself refuses two changes claiming the same version: a lost update cannot be written even if the
/// optimistic check were bypassed. Rows are append-only; an as-of read undoes the newer ones, starting from the nearest
/// <see cref="Checkpoint"/> after the version it wants (or from the current state when there is none).
/// </summary>
public sealed class AssetChange
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Every <see cref="CheckpointInterval"/>-th change (versions 16, 32, …) also keeps the asset's full versioned state
    /// before it: an as-of read then undoes at most this many changes, however far back it reads (AssetHistory.AsOfAsync).
    /// </summary>
    public const int CheckpointInterval = 16;

    private AssetChange() { }

    public AssetId AssetId { get; private set; }

    /// <summary>The version this change produced (2, 3, …).</summary>
    public long Version { get; private set; }
    public DateTimeOffset At { get; private set; }

    /// <summary>What happened, as the event type without its prefix: <c>asset.updated</c>, <c>asset.upgraded</c>, …</summary>
    public string Action { get; private set; } = "";

    /// <summary>One of <see cref="ChangeSource"/>.</summary>
    public string Source { get; private set; } = "";

    /// <summary>The trusted source's name, for changes from one.</summary>
    public string? SourceName { get; private set; }
    public ParticipantId? ActorParticipantId { get; private set; }

    /// <summary>The client, user or worker acting.</summary>
    public string Actor { get; private set; } = "";

    /// <summary>The actor's roles on the asset when it wrote (space-separated wire codes).</summary>
    public string Roles { get; private set; } = "";

    /// <summary>The reason given with a lifecycle change.</summary>
    public string? Reason { get; private set; }

    /// <summary>The changed fields, old and new values, as a JSON array of <c>{"field", "old", "new"}</c> objects (a value absent from an object reads as JSON null).</summary>
    public string ChangesJson { get; private set; } = "[]";

    /// <summary>
    /// On every <see cref="CheckpointInterval"/>-th version only (null otherwise, and on changes written before checkpoints
    /// existed): the asset's whole versioned state before this change, that is version <see cref="Version"/> − 1, as a JSON
    /// object of field path → value (each value written as <see cref="ChangesJson"/> writes an old value). It is the
    /// <c>old</c> of every versioned field at once, so a roll-back that reaches this row need read no further.
    /// </summary>
    public string? Checkpoint { get; private set; }

    /// <summary>Whether the change making <paramref name="version"/> keeps a <see cref="Checkpoint"/> (never version 1, the registration).</summary>
    internal static bool KeepsCheckpoint(long version) => version % CheckpointInterval == 0;

    internal static AssetChange Record(AssetId asset, long version, DateTimeOffset at, string action, AssetActor by, string? reason,
        IReadOnlyList<FieldChange> changes, JsonObject? checkpoint)
    {
        var array = new JsonArray();
        foreach (var change in changes)
            array.Add(new JsonObject { ["field"] = change.Field, ["old"] = change.Old?.DeepClone(), ["new"] = change.New?.DeepClone() });
        return new AssetChange
        {
            AssetId = asset,
            Version = version,
            At = at,
            Action = action,
            Source = by.Source,
            SourceName = by.SourceName,
            ActorParticipantId = by.Participant,
            Actor = by.Actor,
            Roles = string.Join(' ', AssetRoleCodes.Codes(by.Roles)),
            Reason = reason,
            ChangesJson = array.ToJsonString(Json),
            Checkpoint = checkpoint?.ToJsonString(Json),
        };
    }
}
