namespace FlexRegistry.Client.Contracts;

/// <summary>
/// One logged read of another participant's data: who (participant, and <c>client:</c>/<c>user:</c> acting for it),
/// when, why, what kind of read, which field groups and how many records — in an asset's log, the groups read of that
/// asset; in a participant's log, of that participant's data.
/// </summary>
/// <param name="EntryId">The entry's ID (newest entries have the highest).</param>
/// <param name="At">When the read was made.</param>
/// <param name="ReaderId">The participant that read.</param>
/// <param name="Reader"><c>client:</c> and the API client ID, or <c>user:</c> and the user ID, acting for the reader.</param>
/// <param name="Purpose">The purpose the read declared (or its client's registered default).</param>
/// <param name="Action"><c>asset.read</c>, <c>asset.search</c>, <c>asset.export</c> or <c>commercial_information.read</c>.</param>
/// <param name="Resource"><c>asset</c> or <c>participant</c>.</param>
/// <param name="FieldGroups">The field groups read (of this asset, in an asset's log; over the read, otherwise).</param>
/// <param name="Records">Records the read returned in all (a search page or an export chunk returns many).</param>
/// <param name="RecordsConcerned">Of those, the ones of the asset or participant whose log this is.</param>
/// <param name="Sha256">The entry's digest, also in its audit record (<c>GET /api/v1/audit?resource={entryId}</c>).</param>
public sealed record AccessLogEntryResponse(
    string EntryId,
    DateTimeOffset At,
    string ReaderId,
    string Reader,
    string Purpose,
    string Action,
    string Resource,
    IReadOnlyList<string> FieldGroups,
    int Records,
    int RecordsConcerned,
    string Sha256);

/// <summary>Answer of <c>POST /api/v1/access-log/verify</c>.</summary>
public sealed record AccessLogVerificationResponse(bool Valid, long Entries, string? FirstBrokenEntryId, string? Reason);

/// <summary>Body of <c>PUT /api/v1/participants/{id}/access-notifications</c> (BUC.2 step 6a). Neither: no notifications.</summary>
public sealed record AccessNotificationsRequest
{
    /// <summary>Be told of reads of all your assets, present and future.</summary>
    public bool? AllAssets { get; init; }

    /// <summary>Or of these assets only (your own, at most 10,000).</summary>
    public IReadOnlyList<string>? AssetIds { get; init; }
}

public sealed record AccessNotificationsResponse(string ParticipantId, bool AllAssets, IReadOnlyList<string> AssetIds, DateTimeOffset? UpdatedAt);

/// <summary>The visibility rule as data (<c>GET /api/v1/reference/visibility</c>).</summary>
public sealed record VisibilityResponse(
    IReadOnlyList<RelationshipDto> Relationships,
    IReadOnlyList<VisibilityResourceDto> Resources,
    IReadOnlyList<string> GrantParts);

public sealed record RelationshipDto(string Code, string Description);

/// <param name="Resource"><c>asset</c> or <c>participant</c>.</param>
/// <param name="KeyFields">Present whenever a record is shown at all.</param>
/// <param name="FieldGroups">The resource's field groups, each with its cells.</param>
public sealed record VisibilityResourceDto(string Resource, IReadOnlyList<string> KeyFields, IReadOnlyList<FieldGroupDto> FieldGroups);

/// <param name="Code">The group's code, e.g. <c>address</c>.</param>
/// <param name="Summary">What the group holds.</param>
/// <param name="Fields">JSON paths in the resource as read (GET, search, export; CSV columns are the same paths).</param>
/// <param name="EventFields">Paths in event <c>data</c> that carry values of this group.</param>
/// <param name="GrantPart">The data-sharing grant part that covers the group, when a grant can.</param>
/// <param name="Access">Relationship code → <c>shown</c>, <c>under-grant</c> or <c>withheld</c>.</param>
public sealed record FieldGroupDto(
    string Code,
    string Summary,
    IReadOnlyList<string> Fields,
    IReadOnlyList<string> EventFields,
    string? GrantPart,
    IReadOnlyDictionary<string, string> Access);

/// <summary>A published purpose of reading another participant's data.</summary>
public sealed record PurposeResponse(string Code, string Name, string Description, bool RegistryOperatorOnly);
