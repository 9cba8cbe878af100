using System.ComponentModel.DataAnnotations;
namespace FlexRegistry.Client.Contracts;

/// <summary>Body of <c>POST /api/v1/markets</c> and <c>PUT /api/v1/markets/{id}</c>: a market a market or system operator runs.</summary>
public sealed record MarketRequest
{
    /// <summary>Unique across the register (compared ignoring case and spacing).</summary>
    [MaxLength(200)]
    public string? Name { get; init; }

    [MaxLength(2000), DataType(DataType.MultilineText)]
    public string? Description { get; init; }

    /// <summary><c>open</c> (taking applications) or <c>closed</c>.</summary>
    [MaxLength(16)]
    public string? Status { get; init; }

    /// <summary>Areas served: GSP group codes (<c>_A</c> … <c>_P</c>, one per DNO licence area). Empty or absent: all of GB.</summary>
    [MaxLength(14)]
    public IReadOnlyList<string>? GspGroups { get; init; }

    /// <summary>Products (your own, from <c>GET /api/v1/products</c>) procured in this market.</summary>
    [MaxLength(100)]
    public IReadOnlyList<string>? ProductIds { get; init; }

    /// <summary>Where providers send questions about the market.</summary>
    [MaxLength(254)]
    public string? ContactEmail { get; init; }

    /// <summary>What a provider must give to be onboarded: extends the per-role requirements of commercial information.</summary>
    public OnboardingRequirementsDto? Requirements { get; init; }
}

/// <summary>A market's onboarding requirements (BUC.4 step 3, per market operator).</summary>
public sealed record OnboardingRequirementsDto
{
    /// <summary>
    /// Commercial-information sections the market requires beyond the provider's roles (e.g.
    /// <c>commercial-information.insurance</c>); the one-action grant gives the market operator exactly these.
    /// </summary>
    [MaxLength(10)]
    public IReadOnlyList<string>? CommercialSections { get; init; }

    /// <summary>Documents the provider uploads during onboarding, each a code and a description.</summary>
    [MaxLength(20)]
    public IReadOnlyList<RequiredDocumentDto>? Documents { get; init; }

    /// <summary>Further rules in words (e.g. "a successful dispatch test within 6 months").</summary>
    [MaxLength(20)]
    public IReadOnlyList<string>? Rules { get; init; }
}

public sealed record RequiredDocumentDto
{
    /// <summary>Lower-case letters, digits and dashes, e.g. <c>insurance-certificate</c>.</summary>
    [MaxLength(64)]
    public string? Code { get; init; }

    [MaxLength(500)]
    public string? Description { get; init; }
}

/// <summary>A published market; public to every participant.</summary>
public sealed record MarketResponse(
    string MarketId,
    string OperatorId,
    string Name,
    string? Description,
    string Status,
    IReadOnlyList<string> GspGroups,
    IReadOnlyList<string> ProductIds,
    string? ContactEmail,
    MarketRequirementsResponse Requirements,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The market's requirements: its own, and the per-role fields of commercial information a provider must meet anyway.</summary>
public sealed record MarketRequirementsResponse(
    IReadOnlyList<string> CommercialSections,
    IReadOnlyList<RequiredDocumentDto> Documents,
    IReadOnlyList<string> Rules,
    IReadOnlyList<string> ProviderCommercialFields);

/// <summary>Body of <c>POST /api/v1/markets/{id}/onboardings</c>: a provider applies to join the market.</summary>
public sealed record ApplyToMarketRequest
{
    /// <summary>The provider applying; defaults to the caller's own participant.</summary>
    [MaxLength(50)]
    public string? ParticipantId { get; init; }

    [MaxLength(500), DataType(DataType.MultilineText)]
    public string? Note { get; init; }
}

/// <summary>Body of the market operator's return of an onboarding or a request, and of the provider's answer.</summary>
public sealed record ReasonRequest
{
    [MaxLength(1000), DataType(DataType.MultilineText)]
    public string? Reason { get; init; }
}

/// <summary>
/// One provider's onboarding to one market. <see cref="Status"/>: <c>requested</c> (applied), <c>in-progress</c> (the
/// market operator has raised requests), <c>onboarded</c>, or <c>returned</c> (with <see cref="Reason"/>).
/// </summary>
public sealed record OnboardingResponse(
    string OnboardingId,
    string MarketId,
    string ParticipantId,
    string OperatorId,
    string Status,
    string? Reason,
    DateTimeOffset AppliedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? OnboardedAt,
    IReadOnlyList<OnboardingRequestResponse> Requests);

/// <summary>Body of <c>POST /api/v1/onboardings/{id}/requests</c>: the market operator asks the provider for something.</summary>
public sealed record RaiseOnboardingRequest
{
    /// <summary><c>missing-field</c>, <c>document</c>, <c>bank-details</c>, <c>technical-test</c> or <c>agreement</c>.</summary>
    [MaxLength(32)]
    public string? Kind { get; init; }

    /// <summary>What is asked, in words.</summary>
    [MaxLength(1000), DataType(DataType.MultilineText)]
    public string? Description { get; init; }

    /// <summary>For <c>missing-field</c>: the field (e.g. <c>commercial-information.insurance</c>); for <c>document</c>: the document code.</summary>
    [MaxLength(64)]
    public string? Subject { get; init; }
}

/// <summary>Body of <c>POST /api/v1/onboardings/{id}/requests/{requestId}/answer</c> (documents are uploaded to <c>…/document</c>).</summary>
public sealed record AnswerOnboardingRequest
{
    /// <summary>The answer: the missing value, the test's result, "confirmed", "signed", …</summary>
    [MaxLength(2000), DataType(DataType.MultilineText)]
    public string? Answer { get; init; }
}

/// <summary>
/// One request within an onboarding. <see cref="Status"/>: <c>open</c>, <c>answered</c>, <c>accepted</c> or
/// <c>returned</c> (with <see cref="ReturnReason"/>; the provider answers again).
/// </summary>
public sealed record OnboardingRequestResponse(
    string RequestId,
    string Kind,
    string Description,
    string? Subject,
    string Status,
    string? Answer,
    OnboardingDocumentResponse? Document,
    string? ReturnReason,
    DateTimeOffset RaisedAt,
    DateTimeOffset UpdatedAt);

/// <summary>An uploaded document's metadata; the content is at <c>…/document</c>.</summary>
public sealed record OnboardingDocumentResponse(string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt);

/// <summary>The grants the one-action grant gave (or found already open) for the market's requirements.</summary>
public sealed record OnboardingGrantResponse(string OnboardingId, string GranteeId, IReadOnlyList<GrantResponse> Grants);
