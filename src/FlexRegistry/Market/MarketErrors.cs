using FlexRegistry.Shared;

namespace FlexRegistry.Market;

/// <summary>The stable error codes of products, portfolios, operator claims, contracts, conflicts and the owner's view.</summary>
public static class MarketErrors
{
    public static readonly ErrorCode ProductInvalid = new("product.validation_failed", 422, "The product breaks one or more rules; every one is listed.");
    public static readonly ErrorCode ProductNotFound = new("product.not_found", 404, "No such product.");
    public static readonly ErrorCode ProductNotOwner = new("product.not_owner", 403, "Only the product's owner changes it.");
    public static readonly ErrorCode ProductTemplateFixed = new("product.template_fixed", 409, "A product's template cannot change.");
    public static readonly ErrorCode EligibilityInvalid = new("product.eligibility_check_invalid", 422, "The eligibility check names no assets, too many, or both assets and a portfolio.");

    public static readonly ErrorCode PortfolioNotFound = new("portfolio.not_found", 404, "No such portfolio.");
    public static readonly ErrorCode MembersInvalid = new("portfolio.members_invalid", 422, "One or more members cannot be added or removed; every one is listed and nothing was changed.");
    public static readonly ErrorCode PortfolioNotOwner = new("portfolio.not_owner", 403, "Only the portfolio's owner changes its members.");
    public static readonly ErrorCode MembershipOverlaps = new("portfolio.member_period_overlaps", 409, "The asset is already a member of the portfolio for part of that period.");

    public static readonly ErrorCode ClaimInvalid = new("operator_claim.validation_failed", 422, "The operator claim breaks one or more rules; every one is listed.");
    public static readonly ErrorCode ClaimNotFound = new("operator_claim.not_found", 404, "No such operator claim.");
    public static readonly ErrorCode ClaimConflict = new("operator_claim.conflict", 409,
        "Another operator holds the asset for this service class for part of the period; conflictingFrom and conflictingTo give that claim's period.");
    public static readonly ErrorCode ClaimOverlapsOwn = new("operator_claim.overlaps_own", 409, "You already hold a claim on the asset for this service class for part of the period.");
    public static readonly ErrorCode ClaimNotOperator = new("operator_claim.not_operator", 403, "Only the claim's operator ends it (the owner withdraws consent in the owner's view).");
    public static readonly ErrorCode ClaimEndInvalid = new("operator_claim.end_invalid", 422, "A claim ends now or later, and only while it has not ended.");

    public static readonly ErrorCode ContractInvalid = new("contract.validation_failed", 422, "The contract breaks one or more rules; every one is listed.");
    public static readonly ErrorCode ContractNotFound = new("contract.not_found", 404, "No such contract.");
    public static readonly ErrorCode ContractNotAParty = new("contract.not_a_party", 422, "A contract is proposed by the portfolio's owner or by the product's buyer.");
    /// <summary>A field error in <see cref="ContractInvalid"/>: the product is offered in published markets the seller has not joined.</summary>
    public static readonly ErrorCode ContractSellerNotOnboarded = new("contract.seller_not_onboarded", 422,
        "The product is offered in published markets and the portfolio's owner is onboarded to none of them.");
    public static readonly ErrorCode ContractTransition = new("contract.invalid_status_transition", 409, "The contract's status or the caller's side does not allow this action.");

    public static readonly ErrorCode ConflictNotFound = new("conflict.not_found", 404, "No such conflict.");
    public static readonly ErrorCode ConflictTransition = new("conflict.invalid_status_transition", 409, "The conflict is no longer open.");
    public static readonly ErrorCode ConflictNotContractParty = new("conflict.not_a_contract_party", 403, "Only a side of one of the contracts or the registry operator resolves a conflict.");
    public static readonly ErrorCode DetectInvalid = new("conflict.detect_invalid", 422, "Name at most one scope; only the registry operator scans everything.");

    public static readonly ErrorCode OwnerAccessNotProven = new("owner_access.not_proven", 422,
        "The asset ID, MPAN and consent reference do not together prove control of a registered asset.");
    public static readonly ErrorCode OwnerAccessLocked = new("owner_access.too_many_attempts", 429,
        "Too many failed attempts for this asset ID; try again later.");
    public static readonly ErrorCode OwnerAssetNotFound = new("owner_view.not_found", 404, "No such asset in your view.");

    public static readonly ErrorCode PeriodInvalid = new("period.invalid", 422, "The period is inverted, empty or too long.");
}
