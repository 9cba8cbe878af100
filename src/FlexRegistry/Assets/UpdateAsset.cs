using System.Text.Json;
using System.Text.Json.Nodes;
using FlexRegistry.Assets.Confirmation;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlexRegistry.Assets;

/// <summary>
/// BUC.2 steps 2c and 7: change an asset with a JSON merge patch (RFC 7396) over the registration shape, guarded by
/// If-Match so simultaneous divergent updates never silently overwrite each other. The patched asset is validated
/// again by the same published rules; server-owned fields and the type (embedded in the ID) cannot be patched.
/// </summary>
public sealed class UpdateAsset(RegistryDbContext db, Journal journal, IOptions<JsonOptions> jsonOptions, AssetConfirmationQueue confirmations, TimeProvider time)
{
    public const string MediaType = Shared.MergePatch.MediaType;

    /// <summary>Fields of the asset the server owns or that cannot change; patching them is refused.</summary>
    private static readonly HashSet<string> NotPatchable = new(StringComparer.OrdinalIgnoreCase)
    {
        "type", "assetId", "dataStatus", "mergedInto", "postcodeDistrict", "dnoArea", "gspGroup", "fastTracked", "registrantId",
        "provenance", "registeredAt", "updatedAt",
    };

    public async Task<(AssetResponse Response, Guid Version)> HandleAsync(AssetId id, JsonNode? patch, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        if (ifMatch is null)
            throw new DomainRuleException(AssetErrors.PreconditionRequired, "Send If-Match with the ETag from GET /api/v1/assets/{id}.");
        if (patch is not JsonObject patchObject)
            throw new DomainRuleException(CommonErrors.MalformedJson, "A merge patch is a JSON object.");
        var refused = patchObject.Select(p => p.Key).Where(NotPatchable.Contains).ToList();
        if (refused.Count > 0)
            throw new RequestValidationException(
                [.. refused.Select(f => new FieldError(f, AssetErrors.FieldNotPatchable.Code, $"{f} cannot be changed by PATCH."))],
                AssetErrors.FieldNotPatchable);

        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (asset is null || !AssetQueries.CanChange(asset, caller))
            throw new DomainRuleException(AssetErrors.NotFound, $"No asset {id} is visible to you.");
        if (!ifMatch.IsMetBy(asset.Version))
            throw new DomainRuleException(CommonErrors.PreconditionFailed, "The asset changed since you read it; GET it again and reapply your change.");
        if (asset.Status == AssetStatus.Merged)
            throw new DomainRuleException(AssetErrors.InvalidTransition, $"Asset {id} was merged into {asset.MergedInto}; change the survivor instead.");

        var json = jsonOptions.Value.SerializerOptions;
        var current = JsonSerializer.SerializeToNode(ToRequest(asset), json)!.AsObject();
        var merged = Shared.MergePatch.Apply(current, patchObject)!;
        RegisterAssetRequest request;
        try
        {
            request = merged.Deserialize<RegisterAssetRequest>(json)!;
        }
        catch (JsonException e)
        {
            throw new DomainRuleException(CommonErrors.MalformedJson, "The patch does not fit the asset's fields: " + e.Message);
        }

        var data = AssetValidation.Validate(request, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)).ThrowIfInvalid();
        asset.Update(data, caller.ParticipantId, time.GetUtcNow());
        journal.Append(asset.TakeEvents(), AuditEntry.By(caller, "asset.update", "asset", id.Value, asset.RegistrantId.Value, [.. patchObject.Select(p => p.Key)]));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.PreconditionFailed, "The asset changed since you read it; GET it again and reapply your change.");
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            var key = new { asset.IdentityKey, asset.MeterKey };
            var other = await db.Assets.AsNoTracking()
                .Where(a => a.Id != id && ((key.IdentityKey != null && a.IdentityKey == key.IdentityKey) || (key.MeterKey != null && a.MeterKey == key.MeterKey)))
                .Select(a => a.MergedInto ?? a.Id).FirstOrDefaultAsync(ct);
            throw new DomainRuleException(AssetErrors.Duplicate, $"The change would make this asset the same as {other}.",
                new Dictionary<string, object?> { ["existingAssetId"] = other.Value });
        }
        if (asset.ConfirmationDueAt is not null)
            confirmations.Wake();
        return (AssetVisibility.ToResponse(asset, Visibility.VisibilityRule.Everything(Visibility.VisibilityRule.Asset)), asset.Version);
    }

    private static RegisterAssetRequest ToRequest(Asset a) => new()
    {
        Type = a.Type,
        Mpan = a.Mpan,
        ExportMpan = a.ExportMpan,
        Manufacturer = a.Manufacturer,
        Model = a.Model,
        SerialNumber = a.SerialNumber,
        Address = a.AddressLine1 is null && a.Town is null && a.Postcode is null ? null : new AssetAddressDto { Line1 = a.AddressLine1, Town = a.Town, Postcode = a.Postcode },
        Location = a.Latitude is null ? null : new LocationDto { Latitude = a.Latitude, Longitude = a.Longitude },
        ImportCapacityKw = (decimal?)a.ImportCapacityKw,
        ExportCapacityKw = (decimal?)a.ExportCapacityKw,
        StorageCapacityKwh = (decimal?)a.StorageCapacityKwh,
        ConnectionVoltageKv = (decimal?)a.ConnectionVoltageKv,
        Status = a.Status == AssetStatus.Merged ? "merged" : a.Status.ToWire(),
        CommissioningDate = a.CommissioningDate,
        OwnerConsent = a.ConsentReference is null ? null : new OwnerConsentDto { Reference = a.ConsentReference, Method = a.ConsentMethod, Date = a.ConsentDate },
        MarketQualifications = a.MarketQualifications,
    };
}
