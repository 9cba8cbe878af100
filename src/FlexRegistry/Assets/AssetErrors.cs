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
}
