using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace FlexRegistry.Client.Contracts;

/// <summary>Body of <c>POST /api/v1/assets/{id}/change-owner</c> (If-Match required).</summary>
public sealed record ChangeOwnerRequest
{
    /// <summary>The new owner when it is a registered participant (role flex-owner); it is attached as the owner party. Omit for an owner without an account.</summary>
    public string? NewOwnerId { get; init; }

    /// <summary>The new owner's consent evidence (required): it replaces the asset's ownerConsent.</summary>
    public OwnerConsentDto? OwnerConsent { get; init; }
    public string? Reason { get; init; }
}

/// <summary>Body of <c>POST /api/v1/assets/{id}/move-meter-point</c> (If-Match required).</summary>
public sealed record MoveMeterPointRequest
{
    /// <summary>The new import MPAN core (required).</summary>
    public string? Mpan { get; init; }

    /// <summary>The new export MPAN core; omitted keeps the current one.</summary>
    public string? ExportMpan { get; init; }
    public string? Reason { get; init; }
}

/// <summary>Body of <c>POST /api/v1/assets/{id}/upgrade</c> (If-Match required): the technical data after the upgrade; omitted fields keep their values.</summary>
public sealed record UpgradeAssetRequest
{
    public decimal? ImportCapacityKw { get; init; }
    public decimal? ExportCapacityKw { get; init; }
    public decimal? StorageCapacityKwh { get; init; }
    public decimal? ConnectionVoltageKv { get; init; }

    /// <summary>Why (required): e.g. "second battery module fitted".</summary>
    public string? Reason { get; init; }
}

/// <summary>Body of <c>POST /api/v1/assets/{id}/decommission</c> (If-Match required).</summary>
public sealed record DecommissionAssetRequest
{
    /// <summary>Why (required): e.g. "heat pump scrapped".</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// Body of <c>POST /api/v1/assets/{id}/parties</c>: attach a participant in a role. Naming another participant is an
/// invitation (the registrant or the owner invites; the participant accepts); naming none (or oneself) is a claim (the
/// registrant or the owner accepts).
/// </summary>
public sealed record AssetPartyRequest
{
    /// <summary>owner or installer.</summary>
    public string? Role { get; init; }

    /// <summary>The participant invited; omitted for a claim by the caller.</summary>
    public string? ParticipantId { get; init; }

    /// <summary>
    /// For a claim by a participant that holds no role on the asset yet: the asset's MPAN (import or export) or serial
    /// number, as proof that the claimant knows the device (a wrong one answers 404, as for an asset that does not exist).
    /// </summary>
    public string? Evidence { get; init; }

    /// <summary>The owner's consent evidence; required, by acceptance at the latest, when the owner is a household (an individual participant).</summary>
    public OwnerConsentDto? OwnerConsent { get; init; }
}

/// <summary>Body of <c>POST …/parties/{partyId}/accept</c>.</summary>
public sealed record AcceptAssetPartyRequest
{
    /// <summary>The owner's consent evidence, when the owner is a household and the request did not carry it.</summary>
    public OwnerConsentDto? OwnerConsent { get; init; }
}

/// <summary>Body of <c>POST …/parties/{partyId}/decline</c> and <c>…/end</c>.</summary>
public sealed record AssetPartyDecisionRequest
{
    public string? Reason { get; init; }
}

/// <summary>One attachment of a participant to an asset.</summary>
public sealed record AssetPartyResponse(
    string? PartyId,
    string AssetId,
    string ParticipantId,
    string Role,
    string Status,
    string? Initiative,
    string? RequestedBy,
    DateTimeOffset? RequestedAt,
    DateTimeOffset? From,
    DateTimeOffset? EndedAt,
    string? EndReason,
    OwnerConsentDto? OwnerConsent);

/// <summary>One version of an asset in its history.</summary>
/// <param name="Version">The version number (1: the registration).</param>
/// <param name="At">When it was made.</param>
/// <param name="Action">What happened: asset.registered, asset.updated, asset.commissioned, asset.upgraded, asset.confirmed, …</param>
/// <param name="Source">party, registry-operator, trusted-source or import.</param>
/// <param name="SourceName">The trusted source's name, for source trusted-source.</param>
/// <param name="ParticipantId">The participant that made it (none for a trusted source).</param>
/// <param name="Roles">The roles it held on the asset when it wrote.</param>
/// <param name="Reason">The reason given with a lifecycle transition.</param>
/// <param name="Changes">The fields it changed, old → new (fields the reader may not see today are left out).</param>
public sealed record AssetHistoryEntry(
    long Version,
    DateTimeOffset At,
    string Action,
    string Source,
    string? SourceName,
    string? ParticipantId,
    IReadOnlyList<string> Roles,
    string? Reason,
    IReadOnlyList<AssetFieldChange> Changes);

/// <summary>A changed field: its JSON path in the asset, the value before and after (null: absent).</summary>
public sealed record AssetFieldChange(string Field, JsonElement Old, JsonElement New);

/// <summary>A page of an asset's history, oldest first; <see cref="NextCursor"/> is passed as <c>after</c>.</summary>
public sealed record AssetHistoryPage(
    string AssetId,
    long CurrentVersion,
    [property: MaxLength(1000)] IReadOnlyList<AssetHistoryEntry> Items,
    string? NextCursor,
    IReadOnlyList<string> WithheldGroups);

/// <summary>The published field ownership matrix (GET /api/v1/reference/field-ownership).</summary>
public sealed record FieldOwnershipResponse(
    IReadOnlyList<AssetRoleDto> Roles,
    IReadOnlyList<OwnedFieldGroupDto> Groups,
    string ConflictRule);

public sealed record AssetRoleDto(string Code, string Description);

/// <summary>One field group: its fields and, per role, write, at-commissioning, confirm or none.</summary>
public sealed record OwnedFieldGroupDto(string Code, string Summary, IReadOnlyList<string> Fields, IReadOnlyDictionary<string, string> Writers, string? AfterCommissioning);

/// <summary>One published lifecycle transition (GET /api/v1/reference/asset-lifecycle).</summary>
public sealed record LifecycleTransitionDto(string Code, string Endpoint, IReadOnlyList<string> From, string? To, IReadOnlyList<string> Roles, string Event, string Effects);
