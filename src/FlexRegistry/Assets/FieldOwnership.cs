using FlexRegistry.Shared;

namespace FlexRegistry.Assets;

/// <summary>The roles a writer can hold on one asset (several at once: a registrant may also be its operating FSP).</summary>
[Flags]
public enum AssetRoles
{
    None = 0,

    /// <summary>Registered the asset (or a duplicate merged into it).</summary>
    Registrant = 1,

    /// <summary>The asset's owner, attached as a party (by invitation or claim, or by a change of owner).</summary>
    Owner = 2,

    /// <summary>Operates the asset now, for some service class (a current operator claim).</summary>
    OperatingFsp = 4,

    /// <summary>Installed (commissions, upgrades) the asset, attached as a party.</summary>
    Installer = 8,

    /// <summary>A trusted source (OEM cloud, existing market register) confirming declared data; never a participant's token.</summary>
    TrustedSource = 16,

    /// <summary>The neutral body that runs the register.</summary>
    RegistryOperator = 32,
}

/// <summary>Wire codes of <see cref="AssetRoles"/>.</summary>
public static class AssetRoleCodes
{
    public const string Registrant = "registrant";
    public const string Owner = "owner";
    public const string OperatingFsp = "operating-fsp";
    public const string Installer = "installer";
    public const string TrustedSource = "trusted-source";
    public const string RegistryOperator = "registry-operator";

    /// <summary>The columns of the published matrix, in order.</summary>
    public static readonly IReadOnlyList<(AssetRoles Role, string Code, string Description)> All =
    [
        (AssetRoles.Registrant, Registrant, "Registered the asset (or a duplicate merged into it)."),
        (AssetRoles.Owner, Owner, "Owns the asset: attached as a party on invitation or claim accepted by the registrant or owner, or by a change of owner."),
        (AssetRoles.OperatingFsp, OperatingFsp, "Operates the asset now for a service class (a current operator claim)."),
        (AssetRoles.Installer, Installer, "Installs the asset (participant role installer), attached as a party; writes its technical data when it commissions or upgrades it."),
        (AssetRoles.TrustedSource, TrustedSource, "A trusted source (OEM cloud platform, existing market register) through the register's confirmation adapters."),
        (AssetRoles.RegistryOperator, RegistryOperator, "The neutral body that runs the register (corrections)."),
    ];

    public static IEnumerable<string> Codes(AssetRoles roles) => All.Where(r => (roles & r.Role) != 0).Select(r => r.Code);

    public static string Code(AssetRoles role) => All.First(r => r.Role == role).Code;
}

/// <summary>What one role may do to one field group.</summary>
public enum WriteAccess
{
    /// <summary>May not change it.</summary>
    None,

    /// <summary>May change it.</summary>
    Write,

    /// <summary>
    /// May change it when commissioning: while the asset is planned (including in the patch that commissions it) and in
    /// an upgrade, which is a recommissioning.
    /// </summary>
    AtCommissioning,

    /// <summary>Confirms (or contradicts) the declared values; never declares them.</summary>
    Confirm,
}

/// <summary>
/// A field group of the ownership matrix: the fields (JSON paths of the asset as it is registered, patched and read)
/// whose values one set of roles keeps. <see cref="AfterCommissioning"/> names the lifecycle transition through which
/// the group changes once the asset is commissioned (a PATCH changing it then is refused with
/// <c>asset.transition_required</c>).
/// </summary>
public sealed record OwnedGroup(string Code, string Summary, IReadOnlyList<string> Fields, IReadOnlyDictionary<AssetRoles, WriteAccess> Cells, string? AfterCommissioning = null)
{
    public WriteAccess For(AssetRoles role) => Cells.TryGetValue(role, out var access) ? access : WriteAccess.None;

    /// <summary>Whether a writer holding <paramref name="roles"/> may change this group of an asset in <paramref name="status"/>.</summary>
    public bool Allows(AssetRoles roles, AssetStatus status, bool commissioning)
    {
        foreach (var (role, _, _) in AssetRoleCodes.All)
        {
            if ((roles & role) == 0)
                continue;
            var access = For(role);
            if (access == WriteAccess.Write || (access == WriteAccess.AtCommissioning && (status == AssetStatus.Planned || commissioning)))
                return true;
        }
        return false;
    }

    /// <summary>The roles that write the group, as they are published ("registrant", "installer (at commissioning)").</summary>
    public string Writers =>
        string.Join(", ", AssetRoleCodes.All.Where(r => For(r.Role) is WriteAccess.Write or WriteAccess.AtCommissioning)
            .Select(r => For(r.Role) == WriteAccess.AtCommissioning ? r.Code + " (at commissioning)" : r.Code));
}

/// <summary>
/// THE field ownership matrix (BUC.2 step 7, seed 003: "FSPs only update the data relevant to their services"): for
/// each field group of an asset, which role may change it. Every write — PATCH and each lifecycle transition — is
/// checked against it field by field; <c>GET /api/v1/reference/field-ownership</c> publishes it as it is, and
/// docs/assets.md explains the cells. A change outside the writer's groups is refused whole (403
/// <c>asset.field_not_owned</c>, every offending field listed); nothing is stored.
/// </summary>
public static class FieldOwnership
{
    private const WriteAccess W = WriteAccess.Write;
    private const WriteAccess C = WriteAccess.AtCommissioning;
    private const WriteAccess T = WriteAccess.Confirm;
    private const WriteAccess N = WriteAccess.None;

    private static Dictionary<AssetRoles, WriteAccess> Row(WriteAccess registrant, WriteAccess owner, WriteAccess operatingFsp, WriteAccess installer,
        WriteAccess trustedSource, WriteAccess registryOperator) => new()
        {
            [AssetRoles.Registrant] = registrant,
            [AssetRoles.Owner] = owner,
            [AssetRoles.OperatingFsp] = operatingFsp,
            [AssetRoles.Installer] = installer,
            [AssetRoles.TrustedSource] = trustedSource,
            [AssetRoles.RegistryOperator] = registryOperator,
        };

    public static readonly IReadOnlyList<OwnedGroup> Groups =
    [
        new("identity", "What the device is: maker, model and serial number.",
            ["manufacturer", "model", "serialNumber"],
            Row(W, W, N, C, T, W)),
        new("meter-point", "The meter points (MPANs) the asset sits behind; part of its exact identity key.",
            ["mpan", "exportMpan"],
            Row(W, W, N, C, T, W), AfterCommissioning: AssetLifecycle.MoveMeterPoint),
        new("location", "Where it is: the site address and coordinates.",
            ["address.line1", "address.town", "address.postcode", "location.latitude", "location.longitude"],
            Row(W, W, N, N, N, W)),
        new("technical", "What it can do: capacities and connection voltage.",
            ["importCapacityKw", "exportCapacityKw", "storageCapacityKwh", "connectionVoltageKv"],
            Row(W, W, N, C, T, W), AfterCommissioning: AssetLifecycle.Upgrade),
        new("commissioning", "Whether and when it was commissioned (planned → commissioned).",
            ["status", "commissioningDate"],
            Row(W, N, N, C, N, W)),
        new("operational", "How it takes part in markets: the markets and services it is qualified in.",
            ["marketQualifications"],
            Row(W, N, W, N, N, W)),
        new("consent", "The owner's consent to registration: reference, method and date.",
            ["ownerConsent.reference", "ownerConsent.method", "ownerConsent.date"],
            Row(W, W, N, N, N, W)),
        new("confirmation", "Whether trusted sources confirmed the declared data (dataStatus, provenance); never declared by a participant.",
            ["dataStatus", "provenance"],
            Row(N, N, N, N, W, N)),
    ];

    /// <summary>The group a field path belongs to (a path inside a group's field, e.g. <c>provenance.identity</c>, too); null when none does.</summary>
    public static OwnedGroup? GroupOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var group in Groups)
        {
            foreach (var field in group.Fields)
            {
                if (path == field || path.StartsWith(field + ".", StringComparison.Ordinal) || path.StartsWith(field + "[", StringComparison.Ordinal))
                    return group;
            }
        }
        return null;
    }

    /// <summary>
    /// Refuses the change (403 <c>asset.field_not_owned</c>, every field at once) when <paramref name="changed"/> touches a
    /// group the writer's <paramref name="roles"/> do not own for an asset in <paramref name="status"/>;
    /// <paramref name="commissioning"/> when the change commissions the asset or is an upgrade.
    /// </summary>
    public static void Check(IEnumerable<string> changed, AssetRoles roles, AssetStatus status, bool commissioning)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var errors = new List<FieldError>();
        var groups = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var field in changed)
        {
            var group = GroupOf(field) ?? throw new InvalidOperationException($"The field {field} is in no ownership group.");
            if (group.Allows(roles, status, commissioning))
                continue;
            groups.Add(group.Code);
            errors.Add(new FieldError(field, AssetErrors.FieldNotOwned.Code,
                $"{field} is in field group {group.Code}, which {group.Writers} may change; you hold {Describe(roles)} on this asset."));
        }
        if (errors.Count > 0)
        {
            throw new DomainRuleException(AssetErrors.FieldNotOwned,
                $"The change touches field group(s) {string.Join(", ", groups)} that your role on this asset does not own (GET /api/v1/reference/field-ownership). Nothing was changed.",
                new Dictionary<string, object?>
                {
                    ["fieldGroups"] = groups.ToArray(),
                    ["roles"] = AssetRoleCodes.Codes(roles).ToArray(),
                    ["errors"] = errors,
                });
        }
    }

    private static string Describe(AssetRoles roles) => roles == AssetRoles.None ? "no role" : string.Join(" and ", AssetRoleCodes.Codes(roles));
}
