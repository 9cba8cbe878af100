using System.ComponentModel.DataAnnotations;
namespace FlexRegistry.Client.Contracts;

/// <summary>Body of <c>POST /api/v1/participants</c>. Every field is validated and every broken rule reported at once.</summary>
public sealed record RegisterParticipantRequest
{
    [MaxLength(300)]
    public string? LegalName { get; init; }
    [MaxLength(20)]
    public string? CompanyNumber { get; init; }
    [MaxLength(20)]
    public string? EicCode { get; init; }
    [MaxLength(20)]
    public string? VatNumber { get; init; }

    /// <summary>True when a person registers without a company, EIC or VAT number (their address is then personal data).</summary>
    public bool? Individual { get; init; }
    public AddressDto? RegisteredAddress { get; init; }
    [MaxLength(254)]
    public string? ContactEmail { get; init; }
    [MaxLength(10)]
    public IReadOnlyList<string>? RequestedRoles { get; init; }
    public AuthorisedPersonDto? AuthorisedPerson { get; init; }

    /// <summary>The Authorised Person's director-level declaration that the information is true; must be true.</summary>
    public bool? Declaration { get; init; }

    /// <summary>
    /// Public keys (JSON Web Key Set) of the first API client: it then authenticates with private_key_jwt and gets no
    /// secret. Required when the register does not issue client secrets (<c>Auth:AllowClientSecrets=false</c>).
    /// </summary>
    public System.Text.Json.JsonElement? Jwks { get; init; }
}

public sealed record AddressDto
{
    [MaxLength(200)]
    public string? Line1 { get; init; }
    [MaxLength(200)]
    public string? Line2 { get; init; }
    [MaxLength(100)]
    public string? Town { get; init; }
    [MaxLength(20)]
    public string? Postcode { get; init; }
}

public sealed record AuthorisedPersonDto
{
    [MaxLength(200)]
    public string? Name { get; init; }
    [MaxLength(254)]
    public string? Email { get; init; }
}

/// <summary>Answer to a registration: the provisional ID and the first API client (its secret is shown only here).</summary>
public sealed record RegisterParticipantResponse(string ParticipantId, string Status, ApiClientCredentials ApiClient);

/// <summary>The first client: <see cref="ClientSecret"/> for a secret client, null when it registered keys (<c>private_key_jwt</c>).</summary>
public sealed record ApiClientCredentials(string ClientId, string? ClientSecret, string Authentication = "client_secret");

/// <summary>
/// A participant. Its own organisation and the registry operator see every field; other participants see the public
/// part only (private fields are null, and an individual's street address is withheld). A reader holding a grant from the
/// participant, reading with the grant's purpose, also gets <see cref="Information"/>: the commercial-information sections
/// the grant covers (the others null and named in <see cref="WithheldGroups"/>); without a purpose or a grant both are null.
/// </summary>
public sealed record ParticipantResponse(
    string ParticipantId,
    string LegalName,
    string Status,
    string? CompanyNumber,
    string? EicCode,
    string? VatNumber,
    bool Individual,
    AddressDto? RegisteredAddress,
    string? ContactEmail,
    AuthorisedPersonDto? AuthorisedPerson,
    IReadOnlyList<string> Roles,
    VerificationDto? Verification,
    string? MergedInto,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<StatusChangeDto>? History,
    CommercialInformationRequest? Information = null,
    IReadOnlyList<string>? WithheldGroups = null);

public sealed record VerificationDto(string Stage, string? Source, string? Summary, DateTimeOffset UpdatedAt);

public sealed record StatusChangeDto(string From, string To, string Reason, string Actor, DateTimeOffset At);

/// <summary>
/// A directory entry: what any authenticated participant may see of another. Individuals' addresses and all
/// contact details are withheld. <see cref="Score"/> is how well the name matched a name query (0.8–1; null without one).
/// <see cref="Information"/> and <see cref="WithheldGroups"/>: as in <see cref="ParticipantResponse"/>, under a grant and a purpose only.
/// </summary>
public sealed record DirectoryEntry(
    string ParticipantId,
    string LegalName,
    string Status,
    string? CompanyNumber,
    string? EicCode,
    IReadOnlyList<string> Roles,
    string? Town,
    string? PostcodeDistrict,
    string? DnoArea,
    string? MergedInto,
    double? Score = null,
    CommercialInformationRequest? Information = null,
    IReadOnlyList<string>? WithheldGroups = null);

/// <summary>
/// A page of results; pass <see cref="NextCursor"/> back as <c>cursor</c> to continue, null when done. Items are bounded
/// by the largest page size any list serves (1,000, an asset's history); each list's own <c>limit</c> says its bound.
/// </summary>
public sealed record Page<T>([property: MaxLength(1000)] IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Body of the registry operator's status actions (verify, reject, suspend, reinstate).</summary>
public sealed record StatusActionRequest
{
    [MaxLength(1000), DataType(DataType.MultilineText)]
    public string? Reason { get; init; }
}

/// <summary>Commercial information a participant submits against its ID (BUC.4 step 3).</summary>
public sealed record CommercialInformationRequest
{
    [MaxLength(20)]
    public IReadOnlyList<string>? TradingNames { get; init; }
    [MaxLength(20)]
    public IReadOnlyList<ContactDto>? Contacts { get; init; }
    public BankDetailsDto? BankDetails { get; init; }
    public InsuranceDto? Insurance { get; init; }

    /// <summary>Information Commissioner's Office registration number (data-protection fee payer), e.g. ZA123456.</summary>
    [MaxLength(20)]
    public string? IcoRegistrationNumber { get; init; }
}

public sealed record ContactDto
{
    /// <summary><c>commercial</c>, <c>operational</c>, <c>technical</c>, <c>billing</c> or <c>emergency</c>.</summary>
    [MaxLength(20)]
    public string? Purpose { get; init; }
    [MaxLength(200)]
    public string? Name { get; init; }
    [MaxLength(254)]
    public string? Email { get; init; }
    [MaxLength(30)]
    public string? Phone { get; init; }
}

public sealed record BankDetailsDto
{
    [MaxLength(140)]
    public string? AccountName { get; init; }
    [MaxLength(10)]
    public string? SortCode { get; init; }
    [MaxLength(20)]
    public string? AccountNumber { get; init; }
}

public sealed record InsuranceDto
{
    [MaxLength(200)]
    public string? Insurer { get; init; }
    [MaxLength(64)]
    public string? PolicyNumber { get; init; }
    public decimal? PublicLiabilityCoverGbp { get; init; }
    public DateOnly? ExpiresOn { get; init; }
}

/// <summary>
/// Commercial information as the reader may see it: the participant itself and the registry operator see all of it; a
/// grantee sees the sections its grants cover for the declared purpose, the rest null and named in
/// <see cref="WithheldGroups"/>, and neither who changed it nor how it meets the requirements.
/// </summary>
public sealed record CommercialInformationResponse(
    string ParticipantId,
    CommercialInformationRequest Information,
    DateTimeOffset UpdatedAt,
    string? UpdatedBy,
    IReadOnlyList<RequirementResult> Requirements,
    IReadOnlyList<string>? WithheldGroups = null);

/// <summary>The result of checking commercial information against the published requirements, without storing it.</summary>
public sealed record CommercialInformationCheckResponse(bool Valid, IReadOnlyList<FieldErrorDto> Errors, IReadOnlyList<RequirementResult> Requirements);

public sealed record RequirementResult(string Field, bool Met);

public sealed record FieldErrorDto(string Field, string Code, string Message);

/// <summary>What a role must submit as commercial information, and why.</summary>
public sealed record RoleRequirements(string Role, IReadOnlyList<Requirement> Requirements);

public sealed record Requirement(string Field, bool Required, string Rule, string Why, IReadOnlyList<string> ErrorCodes);

/// <summary>
/// A possible duplicate. <c>score</c> is the probability that the two records are one; <c>matchWeight</c> the same as a
/// Fellegi–Sunter match weight in bits (log2 odds). <c>comparisons</c> lists what each field said — its comparison level
/// and the weight that level adds — and <c>evidence</c> the same weights by field.
/// </summary>
public sealed record DuplicateCaseResponse(
    string CaseId,
    string Kind,
    string Status,
    string SubjectId,
    string CandidateId,
    double Score,
    IReadOnlyDictionary<string, double> Evidence,
    string? SurvivorId,
    string? Resolution,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    double? MatchWeight,
    IReadOnlyList<DuplicateEvidenceDto> Comparisons);

/// <summary>One field of a duplicate case: the comparison level its two values fell into and the weight (bits) it added.</summary>
public sealed record DuplicateEvidenceDto(string Field, string Level, double Weight);

public sealed record MergeDuplicateRequest
{
    /// <summary>Which of the two records survives; defaults to the earlier (candidate) record.</summary>
    [MaxLength(50)]
    public string? SurvivorId { get; init; }
    [MaxLength(1000), DataType(DataType.MultilineText)]
    public string? Reason { get; init; }
}

public sealed record DismissDuplicateRequest
{
    [MaxLength(1000), DataType(DataType.MultilineText)]
    public string? Reason { get; init; }
}

public sealed record DnoAreaResponse(int DistributorId, string GspGroup, string Name, string Operator);
