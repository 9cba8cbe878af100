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
/// BUC.2 steps 2c, 7, 7a–7c: change an asset with a JSON merge patch (RFC 7396) over the registration shape, from any
/// of its access points (registrant, owner, operating FSP, installer, registry operator) under the same rules:
/// If-Match names the version the change is based on (first writer wins, <see cref="AssetWrites.ConflictRule"/>); every
/// changed field must be in a group the writer's roles own (<see cref="FieldOwnership"/>); once commissioned, the meter
/// point and technical data change only through their lifecycle transitions; the result is validated by the same
/// published rules as a registration. A change is one new version: its history row, its events and its audit record
/// are written with it.
/// </summary>
public sealed class UpdateAsset(AssetWrites writes, IOptions<JsonOptions> jsonOptions, AssetConfirmationQueue confirmations, TrustedSources sources, ICapacityRechecks capacities,
    TimeProvider time)
{
    public const string MediaType = Shared.MergePatch.MediaType;

    /// <summary>Fields of the asset the server owns or that cannot change; patching them is refused.</summary>
    private static readonly HashSet<string> NotPatchable = new(StringComparer.OrdinalIgnoreCase)
    {
        "type", "assetId", "dataStatus", "mergedInto", "postcodeDistrict", "dnoArea", "gspGroup", "fastTracked", "registrantId",
        "provenance", "registeredAt", "updatedAt", "confirmationNote", "version",
    };

    /// <summary>The objects of the registration shape, whose members are patched one by one.</summary>
    private static readonly HashSet<string> Objects = ["address", "location", "ownerConsent"];

    /// <summary>Every field a patch may name: the declared groups of the ownership matrix.</summary>
    private static readonly HashSet<string> Patchable =
        [.. FieldOwnership.Groups.Where(g => g.For(AssetRoles.TrustedSource) != WriteAccess.Write).SelectMany(g => g.Fields)];

    public async Task<(AssetResponse Response, Guid Version)> HandleAsync(AssetId id, JsonNode? patch, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        AssetWrites.RequireVersion(ifMatch);
        if (patch is not JsonObject patchObject)
            throw new DomainRuleException(CommonErrors.MalformedJson, "A merge patch is a JSON object.");
        CheckFieldNames(patchObject);

        var (asset, held) = await writes.LoadAsync(id, ifMatch, caller, ct);
        if (asset.Status.IsFinal())
            throw new DomainRuleException(AssetErrors.InvalidTransition, asset.Status == AssetStatus.Merged
                ? $"Asset {id} was merged into {asset.MergedInto}; change the survivor instead."
                : $"Asset {id} is decommissioned; it keeps its ID and history but changes no more.",
                new Dictionary<string, object?> { ["currentStatus"] = asset.Status.ToWire() });

        var json = jsonOptions.Value.SerializerOptions;
        var current = AssetWrites.ToRequest(asset);
        var merged = Shared.MergePatch.Apply(JsonSerializer.SerializeToNode(current, json)!.AsObject(), patchObject)!;
        RegisterAssetRequest request;
        try
        {
            request = merged.Deserialize<RegisterAssetRequest>(json)!;
        }
        catch (JsonException e)
        {
            throw new DomainRuleException(CommonErrors.MalformedJson, "The patch does not fit the asset's fields: " + e.Message);
        }

        // Who may change what: the fields whose values the patch really changes, against the writer's roles.
        var changed = ChangedFields(JsonSerializer.SerializeToNode(current, json)!.AsObject(), JsonSerializer.SerializeToNode(request, json)!.AsObject());
        if (request.Status?.Trim().Equals(AssetStatus.Decommissioned.ToWire(), StringComparison.OrdinalIgnoreCase) == true)
            throw TransitionRequired(AssetLifecycle.Decommission, ["status"]);
        var commissioning = asset.Status == AssetStatus.Planned && string.Equals(request.Status?.Trim(), "commissioned", StringComparison.OrdinalIgnoreCase);
        FieldOwnership.Check(changed, held, asset.Status, commissioning);
        if (asset.Status == AssetStatus.Commissioned)
        {
            foreach (var transition in changed.Select(f => FieldOwnership.GroupOf(f)!.AfterCommissioning).OfType<string>().Distinct())
                throw TransitionRequired(transition, [.. changed.Where(f => FieldOwnership.GroupOf(f)!.AfterCommissioning == transition)]);
        }

        var data = AssetValidation.Validate(request, writes.Today()).ThrowIfInvalid();
        var capacity = asset.RatedCapacityKw;
        var now = time.GetUtcNow();
        asset.Update(data, AssetWrites.Actor(caller, held), now);
        if (!asset.HasPendingChanges)
            return (AssetWrites.Represent(asset, held), asset.Version);
        // Changed declared data awaits a trusted source again; with none covering the asset it is settled in this change.
        var confirmable = sources.AwaitConfirmation(asset, now);
        // A changed capacity owes the asset a conflict re-check, committed with the change and run right after it.
        if (asset.RatedCapacityKw != capacity)
            capacities.Queue(id);
        try
        {
            await writes.SaveAsync(asset, held, AuditEntry.By(caller, "asset.update", "asset", id.Value, asset.RegistrantId.Value, [.. changed]), ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolationOn("assets"))
        {
            throw await writes.DuplicateAsync(asset, ct);
        }
        await capacities.CommittedAsync(ct);
        if (confirmable)
            confirmations.Wake();
        return (AssetWrites.Represent(asset, held), asset.Version);
    }

    /// <summary>Unknown and server-owned fields, all at once (400; nothing is looked up or changed).</summary>
    private static void CheckFieldNames(JsonObject patch)
    {
        var errors = new List<FieldError>();
        var readOnly = false;
        foreach (var (key, value) in patch)
        {
            if (NotPatchable.Contains(key))
            {
                readOnly = true;
                errors.Add(new FieldError(key, AssetErrors.FieldNotPatchable.Code, $"{key} cannot be changed by PATCH."));
            }
            else if (Objects.Contains(key) && value is JsonObject members)
            {
                foreach (var (member, _) in members)
                {
                    if (!Patchable.Contains(key + "." + member))
                        errors.Add(new FieldError(key + "." + member, AssetErrors.FieldUnknown.Code, $"{key} has no field {member}."));
                }
            }
            else if (!Patchable.Contains(key) && !Objects.Contains(key))
            {
                errors.Add(new FieldError(key, AssetErrors.FieldUnknown.Code, $"An asset has no field {key}."));
            }
        }
        if (errors.Count > 0)
            throw new RequestValidationException(errors, readOnly ? AssetErrors.FieldNotPatchable : AssetErrors.FieldUnknown);
    }

    /// <summary>
    /// The leaf paths whose values differ between two forms of the registration shape. Numbers compare by value
    /// (7.4 = 7.40) and text ignoring surrounding blanks, as the validation rules store them.
    /// </summary>
    internal static List<string> ChangedFields(JsonObject before, JsonObject after)
    {
        var left = Flatten(before);
        var right = Flatten(after);
        return [.. left.Keys.Union(right.Keys).Where(path => !SameValue(left.GetValueOrDefault(path), right.GetValueOrDefault(path))).Order(StringComparer.Ordinal)];
    }

    private static Dictionary<string, JsonNode?> Flatten(JsonObject node, string prefix = "", Dictionary<string, JsonNode?>? into = null)
    {
        into ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in node)
        {
            if (value is JsonObject child && Objects.Contains(key))
                Flatten(child, prefix + key + ".", into);
            else if (value is null && Objects.Contains(key))
                continue; // an absent object: its members are absent
            else
                into[prefix + key] = value;
        }
        return into;
    }

    private static bool SameValue(JsonNode? a, JsonNode? b)
    {
        if (a is JsonValue x && b is JsonValue y)
        {
            if (x.GetValueKind() == JsonValueKind.Number && y.GetValueKind() == JsonValueKind.Number)
                return x.GetValue<decimal>() == y.GetValue<decimal>();
            if (x.GetValueKind() == JsonValueKind.String && y.GetValueKind() == JsonValueKind.String)
                return string.Equals(x.GetValue<string>().Trim(), y.GetValue<string>().Trim(), StringComparison.Ordinal);
        }
        if (a is JsonValue { } blank && blank.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(blank.GetValue<string>()))
            return b is null;
        if (b is JsonValue { } blank2 && blank2.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(blank2.GetValue<string>()))
            return a is null;
        return JsonNode.DeepEquals(a, b);
    }

    private static DomainRuleException TransitionRequired(string transition, IReadOnlyList<string> fields) =>
        new(AssetErrors.TransitionRequired,
            $"On a commissioned asset {string.Join(", ", fields)} change(s) only through the {transition} transition: {AssetLifecycle.Find(transition).Endpoint}.",
            new Dictionary<string, object?>
            {
                ["transition"] = transition,
                ["errors"] = fields.Select(f => new FieldError(f, AssetErrors.TransitionRequired.Code, $"{f}: use {transition}.")).ToArray(),
            });
}
