using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// BUC.2 step 7, full history and "as of" reads. Every version of an asset is kept: version 1 is its registration (the
/// asset row itself), each later one an <see cref="AssetChange"/> (who, when, which fields old → new, from which
/// source). The history lists them; an as-of read takes the asset as it is and undoes, newest first, every change made
/// after the instant asked for. Both read through the same rule as the asset itself: what a reader may not see of the
/// asset today it cannot read through its history either — the as-of representation withholds the groups the asset's
/// does, and a history entry lists only the changed fields of the groups the reader sees (the page names the others).
/// </summary>
public sealed class AssetHistory(RegistryDbContext db, AssetPartyRoles roles, TimeProvider time)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public async Task<AssetHistoryPage> ListAsync(AssetId id, string? after, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.PageSize(limit, DefaultPageSize, MaxPageSize);
        long from = 0;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from) || from < 1))
            errors.Add("after", "cursor.invalid", "after is a version number (the nextCursor of the previous page).");
        errors.ThrowIfAny();

        var (asset, held) = await LoadVisibleAsync(id, caller, ct);
        var groups = AssetWrites.GroupsFor(held);
        var rows = await db.AssetChanges.AsNoTracking()
            .Where(c => c.AssetId == id && c.Version > from)
            .OrderBy(c => c.Version)
            .Take(size + 1)
            .ToListAsync(ct);
        var items = new List<AssetHistoryEntry>(Math.Min(size, rows.Count + 1));
        if (from < 1)
            items.Add(Registered(asset));
        items.AddRange(rows.Take(size - items.Count).Select(c => ToEntry(c, groups)));
        var more = rows.Count > size - (from < 1 ? 1 : 0);
        return new AssetHistoryPage(id.Value, asset.VersionNumber, items,
            more ? items[^1].Version.ToString(CultureInfo.InvariantCulture) : null,
            VisibilityRule.Everything(VisibilityRule.Asset).Except(groups).Codes(VisibilityRule.Asset));
    }

    /// <summary>The asset as it was at <paramref name="asOf"/> (an ISO 8601 instant between its registration and now).</summary>
    public async Task<AssetResponse> AsOfAsync(AssetId id, string asOf, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(asOf);
        if (!DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            throw AsOfInvalid("asset.as_of_invalid", "asOf is an ISO 8601 instant, e.g. 2025-06-30T12:00:00Z.");
        var now = time.GetUtcNow();
        if (at > now)
            throw AsOfInvalid("asset.as_of_in_future", "asOf is in the future: the register does not know that yet.");
        var (asset, held) = await LoadVisibleAsync(id, caller, ct);
        if (at < asset.RegisteredAt)
            throw AsOfInvalid("asset.as_of_before_registration", $"Asset {id} was registered at {asset.RegisteredAt:O}; asOf is before that.");

        // The newest version made at or before the instant; every later change is undone, newest first.
        var version = await db.AssetChanges.AsNoTracking().Where(c => c.AssetId == id && c.At <= at).MaxAsync(c => (long?)c.Version, ct) ?? 1;
        var current = asset.VersionNumber;
        var newer = await db.AssetChanges.AsNoTracking().Where(c => c.AssetId == id && c.Version > version && c.Version <= current)
            .OrderByDescending(c => c.Version).ToListAsync(ct);
        asset.RollBack(newer);
        asset.AsOfVersionTime(version == 1 ? null : await db.AssetChanges.AsNoTracking()
            .Where(c => c.AssetId == id && c.Version == version).Select(c => (DateTimeOffset?)c.At).FirstAsync(ct));
        return AssetWrites.Represent(asset, held);
    }

    private async Task<(Asset Asset, AssetRoles Held)> LoadVisibleAsync(AssetId id, Caller caller, CancellationToken ct)
    {
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        var held = asset is null ? AssetRoles.None : await roles.OfAsync(asset, caller, ct);
        if (asset is null || held == AssetRoles.None)
            throw AssetWrites.NotFound(id);
        return (asset, held);
    }

    private static AssetHistoryEntry Registered(Asset asset) => new(
        1, asset.RegisteredAt, "asset.registered", asset.ImportId is null ? ChangeSource.Party : ChangeSource.Import, null,
        asset.RegistrantId.Value, [AssetRoleCodes.Registrant], null, []);

    /// <summary>
    /// One version as the reader may see it: a changed field only when the visibility rule shows the reader its group
    /// today (a field no group names is withheld), the reason only with the registrant's working notes (the group whose
    /// event data carries reasons). Who changed it, when and how stay: the version itself is identity data.
    /// </summary>
    private static AssetHistoryEntry ToEntry(AssetChange c, GroupSet groups) => new(
        c.Version, c.At, c.Action, c.Source, c.SourceName, c.ActorParticipantId?.Value,
        c.Roles.Split(' ', StringSplitOptions.RemoveEmptyEntries), groups.Contains(Registration) ? c.Reason : null,
        [.. c.ChangedValues().Where(f => !Asset.IsDerived(f.Field) && GroupOf(f.Field) is { } g && groups.Contains(g))
            .Select(f => new AssetFieldChange(f.Field, f.Old, f.New))]);

    private static readonly FieldGroup Registration = VisibilityRule.Group(VisibilityRule.Asset, "registration");

    /// <summary>The group whose fields hold <paramref name="path"/> (itself, or an object it lies in, as <c>provenance</c>).</summary>
    internal static FieldGroup? GroupOf(string path) => GroupsOfPaths.GetOrAdd(path, static p => VisibilityRule.AssetGroups.FirstOrDefault(g =>
        g.Fields.Any(f => p == f || p.StartsWith(f + ".", StringComparison.Ordinal))));

    /// <summary>Each field path's group, found once (a history page asks it of every changed field of every version).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, FieldGroup?> GroupsOfPaths = new(StringComparer.Ordinal);

    private static RequestValidationException AsOfInvalid(string code, string message) =>
        new([new FieldError("asOf", code, message)], AssetErrors.AsOfInvalid);
}
