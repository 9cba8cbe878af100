using FlexRegistry.Shared;

namespace FlexRegistry.Onboarding;

/// <summary>The stable error codes of published markets and onboarding.</summary>
public static class OnboardingErrors
{
    public static readonly ErrorCode MarketInvalid = new("market.validation_failed", 422, "The market breaks one or more rules; every one is listed.");
    public static readonly ErrorCode MarketNotFound = new("market.not_found", 404, "No such market.");
    public static readonly ErrorCode MarketNameTaken = new("market.name_taken", 409, "Another market already has this name.");
    public static readonly ErrorCode MarketNotOperator = new("market.not_operator", 403, "Only the market's operator changes it.");
    public static readonly ErrorCode MarketClosed = new("market.closed", 409, "The market is not taking applications.");

    public static readonly ErrorCode OnboardingNotFound = new("onboarding.not_found", 404, "No such onboarding.");
    public static readonly ErrorCode NotAProvider = new("onboarding.not_a_provider", 422, "Only an active fsp or aggregator applies to a market.");
    public static readonly ErrorCode AlreadyApplied = new("onboarding.already_applied", 409, "The provider already has an onboarding to this market.");
    public static readonly ErrorCode NotInterested = new("onboarding.not_interested", 409,
        "The provider has withdrawn its interest in the market operator's markets; nothing can be asked of it.");
    public static readonly ErrorCode Transition = new("onboarding.invalid_status_transition", 409, "The onboarding's or the request's status does not allow this action.");
    public static readonly ErrorCode WrongSide = new("onboarding.not_your_side", 403,
        "The other side of the onboarding takes this action (the provider applies, grants and answers; the operator asks, accepts, returns and onboards).");
    public static readonly ErrorCode RequestsOutstanding = new("onboarding.requests_outstanding", 409, "Every request must be accepted before the provider is onboarded.");
    public static readonly ErrorCode RequestInvalid = new("onboarding.request_invalid", 422, "The request breaks one or more rules; every one is listed.");
    public static readonly ErrorCode RequestNotFound = new("onboarding.request_not_found", 404, "No such request in this onboarding.");

    public static readonly ErrorCode DocumentNotExpected = new("onboarding.document_not_expected", 409, "Only a document request takes an upload.");
    public static readonly ErrorCode DocumentType = new("onboarding.document_type_mismatch", 415,
        "The document's content is not a PDF, PNG or JPEG, or not the type its Content-Type names.");
    public static readonly ErrorCode DocumentEmpty = new("onboarding.document_empty", 400, "The document is empty.");
    public static readonly ErrorCode DocumentNotFound = new("onboarding.document_not_found", 404, "No document has been uploaded for this request.");
}
