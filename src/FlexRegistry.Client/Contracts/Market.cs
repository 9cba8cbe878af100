using System.ComponentModel.DataAnnotations;

namespace FlexRegistry.Client.Contracts;

// Products, portfolios, operator claims, contracts, the conflict register and the flex owner's view (BUC.2 steps 1b, 3
// and 9; seed 003's core services). Times are instants (UTC, ISO 8601); a product's service windows are local GB time.

/// <summary>
/// A recurring service window: an RFC 5545 recurrence rule (<c>FREQ=DAILY</c> or <c>FREQ=WEEKLY</c>, optionally
/// <c>BYDAY</c> without ordinals and <c>BYMONTH</c>) and a local (Europe/London) start and end time of day, e.g.
/// <c>FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYMONTH=12,1</c> from <c>17:00</c> to <c>19:00</c>.
/// </summary>
public sealed record ServiceWindowDto
{
    public string? Recurrence { get; init; }

    /// <summary>Local start time, <c>HH:mm</c>.</summary>
    public string? Start { get; init; }

    /// <summary>Local end time, <c>HH:mm</c> (<c>24:00</c> for midnight); after <see cref="Start"/> on the same day.</summary>
    public string? End { get; init; }
}

/// <summary>Where a product is procured: any listed DNO licence area, GSP group or postcode district (empty: all of GB).</summary>
public sealed record LocationScopeDto
{
    public IReadOnlyList<int>? DnoAreas { get; init; }
    public IReadOnlyList<string>? GspGroups { get; init; }
    [MaxLength(500)]
    public IReadOnlyList<string>? PostcodeDistricts { get; init; }
}

/// <summary>What an asset must have to deliver a product, beyond the template's defaults (BUC.2 step 1b).</summary>
public sealed record DataRequirementsDto
{
    /// <summary>Asset fields that must be present, from <c>GET /api/v1/reference/product-templates</c>'s field list.</summary>
    public IReadOnlyList<string>? RequiredFields { get; init; }

    /// <summary>Field groups a trusted source must have confirmed: identity, technical, location, consent.</summary>
    public IReadOnlyList<string>? ConfirmedGroups { get; init; }

    /// <summary>Asset types accepted (empty: every type but portfolio).</summary>
    public IReadOnlyList<string>? AssetTypes { get; init; }

    /// <summary>True: planned assets are not eligible.</summary>
    public bool? RequireCommissioned { get; init; }
}

/// <summary>Body of <c>POST /api/v1/products</c> and <c>PUT /api/v1/products/{id}</c> (template and owner cannot change).</summary>
public sealed record ProductRequest
{
    /// <summary>Product template code, e.g. <c>dso-sustain</c> (see <c>GET /api/v1/reference/product-templates</c>).</summary>
    public string? Template { get; init; }
    public string? Name { get; init; }

    /// <summary><c>up</c> (more export or less import) or <c>down</c>.</summary>
    public string? Direction { get; init; }

    /// <summary>Capacity sought, in kW (10 MW is 10000).</summary>
    public decimal? CapacityKw { get; init; }

    /// <summary>First and last day (inclusive, GB local) on which the windows apply.</summary>
    public DateOnly? ValidFrom { get; init; }
    public DateOnly? ValidTo { get; init; }
    public IReadOnlyList<ServiceWindowDto>? Windows { get; init; }
    public LocationScopeDto? LocationScope { get; init; }
    public DataRequirementsDto? Requirements { get; init; }
}

public sealed record ProductResponse(
    string ProductId,
    string OwnerId,
    string Template,
    string ServiceClass,
    string Name,
    string Direction,
    decimal? CapacityKw,
    DateOnly ValidFrom,
    DateOnly ValidTo,
    IReadOnlyList<ServiceWindowDto> Windows,
    LocationScopeDto LocationScope,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A product's data requirements as published (the template's defaults plus the product's own).</summary>
public sealed record ProductRequirementsResponse(
    string ProductId,
    string Template,
    IReadOnlyList<string> AssetTypes,
    IReadOnlyList<string> RequiredFields,
    IReadOnlyList<string> ConfirmedGroups,
    bool RequireCommissioned,
    LocationScopeDto LocationScope);

/// <summary>Body of <c>POST /api/v1/products/{id}/eligibility-check</c>: name assets, or a portfolio (its current members).</summary>
public sealed record EligibilityCheckRequest
{
    [MaxLength(10_000)]
    public IReadOnlyList<string>? AssetIds { get; init; }
    public string? PortfolioId { get; init; }
}

/// <summary>Per asset: what is missing for the product. Nothing is stored.</summary>
public sealed record AssetEligibility(
    string AssetId,
    bool Eligible,
    IReadOnlyList<string> MissingFields,
    IReadOnlyList<string> UnconfirmedGroups,
    IReadOnlyList<FieldErrorDto> Problems,
    IReadOnlyList<CommitmentClash> Conflicts);

/// <summary>An existing commitment of the asset that delivering the product would conflict with.</summary>
public sealed record CommitmentClash(string Rule, string ProductId, string ProductName, string Template, OverlapDto Overlap);

public sealed record EligibilityCheckResponse(string ProductId, int Eligible, int NotEligible, [property: MaxLength(10_000)] IReadOnlyList<AssetEligibility> Assets);

/// <summary>One product template of the published catalogue, with its service class and default data requirements.</summary>
public sealed record ProductTemplateResponse(
    string Code,
    string Name,
    string ServiceClass,
    string Description,
    IReadOnlyList<string> RequiredFields,
    IReadOnlyList<string> ConfirmedGroups,
    bool RequireCommissioned);

public sealed record ServiceClassResponse(string Code, string Name, string Description);

/// <summary>The published catalogue: service classes (the unit of operator claims), templates and the asset fields requirements may name.</summary>
public sealed record ProductCatalogueResponse(
    IReadOnlyList<ServiceClassResponse> ServiceClasses,
    IReadOnlyList<ProductTemplateResponse> Templates,
    IReadOnlyList<string> RequirementFields,
    IReadOnlyList<string> ConfirmableGroups);

/// <summary>One published stacking rule between two templates: <c>stackable</c>, <c>stackable-if-capacity-split</c> or <c>not-stackable</c>.</summary>
public sealed record StackingRuleResponse(string TemplateA, string TemplateB, string Rule, string Reason);

/// <summary>A portfolio member to add; <see cref="CapacityKw"/> is the capacity the portfolio may use (default: the asset's rated capacity).</summary>
public sealed record PortfolioMemberDto
{
    public string? AssetId { get; init; }
    public decimal? CapacityKw { get; init; }
}

/// <summary>Body of <c>POST /api/v1/portfolios/{id}/members</c>: members from <see cref="From"/> (default now) to <see cref="To"/> (open-ended when absent).</summary>
public sealed record AddPortfolioMembersRequest
{
    [MaxLength(10_000)]
    public IReadOnlyList<PortfolioMemberDto>? Members { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
}

/// <summary>Body of <c>POST /api/v1/portfolios/{id}/members/remove</c>: memberships end at <see cref="At"/> (default now).</summary>
public sealed record RemovePortfolioMembersRequest
{
    [MaxLength(10_000)]
    public IReadOnlyList<string>? AssetIds { get; init; }
    public DateTimeOffset? At { get; init; }
}

public sealed record PortfolioMemberResponse(
    string MembershipId,
    string PortfolioId,
    string AssetId,
    string AssetType,
    decimal? CapacityKw,
    DateTimeOffset From,
    DateTimeOffset? To);

public sealed record PortfolioMembersChangedResponse(string PortfolioId, [property: MaxLength(10_000)] IReadOnlyList<PortfolioMemberResponse> Changed, PortfolioResponse Portfolio);

/// <summary>A portfolio (an asset of type portfolio) and the aggregate derived from its current members.</summary>
public sealed record PortfolioResponse(
    string PortfolioId,
    string OwnerId,
    string? Reference,
    int CurrentMembers,
    decimal AggregateCapacityKw,
    decimal AggregateImportCapacityKw,
    decimal AggregateExportCapacityKw);

/// <summary>The owner's consent to the operator acting for the asset: reference, how it was given, when.</summary>
public sealed record ConsentEvidenceDto
{
    public string? Reference { get; init; }
    public string? Method { get; init; }
    public DateOnly? Date { get; init; }
}

/// <summary>Body of <c>POST /api/v1/operator-claims</c>: the caller operates the asset for the service class from <see cref="From"/> to <see cref="To"/>.</summary>
public sealed record OperatorClaimRequest
{
    public string? AssetId { get; init; }
    public string? ServiceClass { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public ConsentEvidenceDto? Consent { get; init; }
}

public sealed record OperatorClaimResponse(
    string ClaimId,
    string AssetId,
    string ServiceClass,
    string OperatorId,
    DateTimeOffset From,
    DateTimeOffset? To,
    string Status,
    ConsentEvidenceDto? Consent,
    string? EndReason,
    DateTimeOffset CreatedAt);

/// <summary>An accepted claim; when it was a switch, <see cref="Replaced"/> lists the claims trimmed to end where it starts.</summary>
public sealed record ClaimAcceptedResponse(OperatorClaimResponse Claim, IReadOnlyList<ReplacedClaim> Replaced);

public sealed record ReplacedClaim(string ClaimId, DateTimeOffset EndsAt);

public sealed record EndClaimRequest
{
    /// <summary>When the claim ends (default now; never in the past).</summary>
    public DateTimeOffset? At { get; init; }
}

/// <summary>The contract's optional lower layers (e.g. FSP → aggregator → owner).</summary>
public sealed record ContractLayerDto
{
    public string? ParticipantId { get; init; }

    /// <summary><c>fsp</c>, <c>aggregator</c> or <c>owner</c>.</summary>
    public string? Role { get; init; }
}

/// <summary>Body of <c>POST /api/v1/contracts</c>: proposed by either side (the portfolio's owner or the product's buyer), accepted by the other.</summary>
public sealed record ProposeContractRequest
{
    public string? PortfolioId { get; init; }
    public string? ProductId { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public decimal? ContractedCapacityKw { get; init; }

    /// <summary>The parties' own reference (commercial: shown to the two sides only).</summary>
    public string? Reference { get; init; }
    public IReadOnlyList<ContractLayerDto>? Layers { get; init; }
}

public sealed record TerminateContractRequest
{
    /// <summary>When the contract ends (default now; never in the past, never after its agreed end).</summary>
    public DateTimeOffset? At { get; init; }
}

public sealed record ContractResponse(
    string ContractId,
    string PortfolioId,
    string ProductId,
    string SellerId,
    string BuyerId,
    DateTimeOffset From,
    DateTimeOffset To,
    decimal ContractedCapacityKw,
    string? Reference,
    IReadOnlyList<ContractLayerDto> Layers,
    string Status,
    string ProposedBy,
    DateTimeOffset ProposedAt,
    DateTimeOffset? AcceptedAt,
    IReadOnlyList<string> Warnings);

/// <summary>A contract and the conflicts it is in (on a proposal: the conflicts accepting it would create).</summary>
public sealed record ContractWithConflictsResponse(ContractResponse Contract, [property: MaxLength(500)] IReadOnlyList<ConflictResponse> Conflicts);

/// <summary>When two commitments' service windows overlap: the first and last overlapping occurrence and how many there are.</summary>
public sealed record OverlapDto(DateTimeOffset FirstStart, DateTimeOffset FirstEnd, DateTimeOffset LastEnd, int Occurrences);

/// <summary>
/// One side of a conflict: the asset's commitment under one contract. Products are public; the contract, the portfolio,
/// the seller and the committed capacity are shown only to that contract's own parties (and the registry operator).
/// </summary>
public sealed record ConflictSide(
    string ProductId,
    string ProductName,
    string Template,
    string BuyerId,
    string? ContractId,
    string? PortfolioId,
    string? SellerId,
    decimal? CommittedCapacityKw);

/// <summary>
/// An entry of the conflict register: <see cref="Rule"/> is <c>not-stackable</c> or <c>capacity-exceeded</c>;
/// <see cref="Status"/> <c>open</c>, <c>resolved</c> or <c>cleared</c> (the overlap no longer exists).
/// </summary>
public sealed record ConflictResponse(
    string ConflictId,
    string AssetId,
    string Rule,
    string Explanation,
    ConflictSide A,
    ConflictSide B,
    OverlapDto Overlap,
    decimal? AssetCapacityKw,
    string Status,
    bool AcknowledgedByYou,
    string? Resolution,
    DateTimeOffset DetectedAt,
    DateTimeOffset UpdatedAt);

public sealed record AcknowledgeConflictRequest
{
    public string? Note { get; init; }
}

public sealed record ResolveConflictRequest
{
    public string? Resolution { get; init; }
}

/// <summary>Body of <c>POST /api/v1/conflicts/detect</c>: at most one scope; none (registry operator only) scans everything.</summary>
public sealed record DetectConflictsRequest
{
    public string? AssetId { get; init; }
    public string? PortfolioId { get; init; }
    public string? ProductId { get; init; }
    public string? ContractId { get; init; }
}

public sealed record DetectConflictsResponse(int Open, int Detected, int Cleared, [property: MaxLength(500)] IReadOnlyList<ConflictResponse> Conflicts);

/// <summary>Body of <c>POST /api/v1/owner-access</c>: a householder proves control of one asset.</summary>
public sealed record OwnerAccessRequest
{
    public string? AssetId { get; init; }
    public string? Mpan { get; init; }
    public string? ConsentReference { get; init; }
}

/// <summary>A short-lived token for the owner's view of one asset: send it as <c>Authorization: OwnerAccess {token}</c>.</summary>
public sealed record OwnerAccessResponse(string Token, string AssetId, DateTimeOffset ExpiresAt);

public sealed record WithdrawConsentRequest
{
    public string? Reason { get; init; }
}

/// <summary>Who operates the asset for which service class, since when, on what consent.</summary>
public sealed record OwnerOperatorEntry(
    string ClaimId,
    string OperatorId,
    string? OperatorName,
    string ServiceClass,
    DateTimeOffset From,
    DateTimeOffset? To,
    string Status,
    ConsentEvidenceDto? Consent);

/// <summary>A portfolio the asset is in and the product it is contracted to deliver through it (no commercial terms).</summary>
public sealed record OwnerCommitmentEntry(
    string PortfolioId,
    string PortfolioOwnerId,
    string? PortfolioOwnerName,
    DateTimeOffset MemberFrom,
    DateTimeOffset? MemberTo,
    string? ProductId,
    string? ProductName,
    string? ServiceClass,
    string? BuyerId,
    string? BuyerName,
    DateTimeOffset? ContractFrom,
    DateTimeOffset? ContractTo);

/// <summary>Who read the asset's data and how often, per reader and window.</summary>
public sealed record OwnerReadEntry(string ReaderId, string? ReaderName, int Count, DateTimeOffset FirstAt, DateTimeOffset LastAt);

/// <summary>The flex owner's view of one asset (seed 003).</summary>
public sealed record OwnerViewResponse(
    string AssetId,
    string Type,
    string Status,
    string? Manufacturer,
    string? Model,
    string? PostcodeDistrict,
    IReadOnlyList<OwnerOperatorEntry> Operators,
    IReadOnlyList<OwnerCommitmentEntry> Commitments,
    IReadOnlyList<ConflictResponse> Conflicts,
    IReadOnlyList<OwnerReadEntry> Reads);

public sealed record OwnerAssetSummary(string AssetId, string Type, string Status, int CurrentOperators, int OpenConflicts);
