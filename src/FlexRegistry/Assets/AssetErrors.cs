using FlexRegistry.Shared;

namespace FlexRegistry.Assets;

public static class AssetErrors
{
    public static readonly ErrorCode Invalid = new("asset.validation_failed", 422,
        "The asset breaks one or more published validation rules (GET /api/v1/reference/validation-rules).");
    public static readonly ErrorCode Duplicate = new("asset.duplicate", 409,
        "This asset is already registered; existingAssetId names it.");
    public static readonly ErrorCode InvalidId = new("asset.id_invalid", 400,
        "The asset ID is malformed or its check character is wrong.");
    public static readonly ErrorCode NotFound = new("asset.not_found", 404, "No such asset.");

    /// <summary>
    /// A decommissioned asset named in a market request (claimed asset, member, portfolio): the field error's code in a
    /// request's list of errors, or the problem's own when the portfolio in the path is decommissioned or the asset was
    /// decommissioned while the request was written.
    /// </summary>
    public static readonly ErrorCode Decommissioned = new("asset.decommissioned", 409,
        "The asset is decommissioned: it keeps its ID and history, but takes no new operator claims, portfolio memberships or contracts.");
    public static readonly ErrorCode InvalidTransition = new("asset.invalid_status_transition", 409,
        "The asset's status does not allow this change.");
    public static readonly ErrorCode FieldNotPatchable = new("asset.field_not_patchable", 400,
        "The patch changes a field the server owns or that cannot change (type, IDs, derived areas, provenance).");
    public static readonly ErrorCode IdempotencyKeyReused = new("idempotency.key_reused", 422,
        "The Idempotency-Key was already used with a different request body.");
    public static readonly ErrorCode IdempotencyKeyInvalid = new("idempotency.key_invalid", 400,
        "The Idempotency-Key must be 1–100 printable ASCII characters.");
    public static readonly ErrorCode PreconditionRequired = new("resource.precondition_required", 428,
        "This change needs If-Match with the ETag you read.");
    public static readonly ErrorCode FieldUnknown = new("asset.field_unknown", 400,
        "The patch names a field the asset does not have; nothing was changed.");
    public static readonly ErrorCode FieldNotOwned = new("asset.field_not_owned", 403,
        "The change touches a field group your role on this asset does not own (GET /api/v1/reference/field-ownership); nothing was changed.");
    public static readonly ErrorCode TransitionRequired = new("asset.transition_required", 409,
        "On a commissioned asset this field group changes only through its lifecycle transition (GET /api/v1/reference/asset-lifecycle).");
    public static readonly ErrorCode TransitionNotAllowed = new("asset.transition_not_allowed", 403,
        "Your role on this asset does not allow this lifecycle transition (GET /api/v1/reference/asset-lifecycle).");
    public static readonly ErrorCode LifecycleInvalid = new("asset.lifecycle_request_invalid", 422,
        "The lifecycle request is incomplete or invalid; every error is listed.");
    public static readonly ErrorCode AsOfInvalid = new("asset.as_of_invalid", 400,
        "asOf must be an ISO 8601 instant between the asset's registration and now.");
    public static readonly ErrorCode PartyNotFound = new("asset.party_not_found", 404, "No such attachment of this asset is visible to you.");
    public static readonly ErrorCode PartyInvalid = new("asset.party_invalid", 422,
        "The attachment request is invalid; every error is listed.");
    public static readonly ErrorCode PartyExists = new("asset.party_exists", 409,
        "The participant already holds (or has asked for) this role on the asset; existingPartyId names it.");
    public static readonly ErrorCode OwnerExists = new("asset.owner_exists", 409,
        "The asset already has an owner; a new owner comes with POST /api/v1/assets/{id}/change-owner.");
    public static readonly ErrorCode PartyNotOpen = new("asset.party_not_open", 409, "The attachment is no longer pending or active.");
    public static readonly ErrorCode PartyDecisionNotAllowed = new("asset.party_decision_not_allowed", 403,
        "Only the invited participant answers an invitation; only the asset's registrant or owner answers a claim.");
}
