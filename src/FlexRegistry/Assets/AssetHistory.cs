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
/// source). The history lists them; an as-of read undoes, newest first, the changes made after the instant asked for, from
/// the nearest checkpoint after it (every <see cref="AssetChange.CheckpointInterval"/>-th change keeps the whole state
/// before it), or from the asset as it is when no checkpoint follows: at most that many changes, however far back. Both read through the same rule as the asset itself: what a reader may not see of the
/// asset today it cannot read through its history either — the as-of representation withholds the groups the asset's
/// does, and a history entry lists only the changed fields of the groups the reader sees (the page names the others).
/// </summary>
public sealed class AssetHistory(RegistryDbContext db, AssetPartyRoles roles, TimeProvider time)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <summary>
    /// A page of the asset's history, read as the rows it shows (no entities) and written straight to the response as an
    /// <see cref="AssetHistoryPage"/> by <see cref="AssetHistoryResult"/>, each stored change copied field by field rather
    /// than parsed into objects and serialised again.
    /// </summary>
    public async Task<AssetHistoryResult> ListAsync(AssetId id, string? after, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.PageSize(limit, DefaultPageSize, MaxPageSize);
        long from = 0;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from) || from < 1))
            errors.Add("after", "cursor.invalid", "after is a version number (the nextCursor of the previous page).");
        errors.ThrowIfAny();

        var (asset, held) = await LoadVisibleAsync(id, caller, ct);
        var groups = AssetWrites.GroupsFor(held);
        // Version 1 (the registration) takes the first place of the first page; the rows fill the rest, one more than fits
        // telling whether another page follows.
        var registered = from < 1;
        var fit = size - (registered ? 1 : 0);
        var rows = await db.AssetChanges.AsNoTracking()
            .Where(c => c.AssetId == id && c.Version > from)
            .OrderBy(c => c.Version)
            .Take(fit + 1)
            .Select(c => new AssetHistoryRow(c.Version, c.At, c.Action, c.Source, c.SourceName, c.ActorParticipantId, c.Roles, c.Reason, c.ChangesJson))
            .ToListAsync(ct);
        var more = rows.Count > fit;
        if (more)
            rows.RemoveAt(rows.Count - 1);
        var last = rows.Count > 0 ? rows[^1].Version : registered ? 1 : (long?)null;
        return new AssetHistoryResult(id.Value, asset.VersionNumber, registered ? Registered(asset) : null, rows, groups,
            more ? last?.ToString(CultureInfo.InvariantCulture) : null,
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

        // One query: the version current at the instant (the newest change made at or before it; 1, the registration, when
        // there is none), and the changes after it up to the first that keeps a checkpoint (the state before it: see
        // AssetChange.Checkpoint), at most CheckpointInterval of them; up to the version read when none does (the last
        // changes, or an asset changed before checkpoints were kept). Newest first, only the columns the roll-back needs.
        // The version's own change, when it is one, comes last and gives the version's time.
        var current = asset.VersionNumber;
        var ofAsset = db.AssetChanges.AsNoTracking().Where(c => c.AssetId == id && c.Version <= current);
        var rows = await ofAsset
            .Where(c => c.Version >= (ofAsset.Where(v => v.At <= at).Max(v => (long?)v.Version) ?? 1)
                && c.Version <= (ofAsset.Where(k => k.Checkpoint != null && k.Version > (ofAsset.Where(v => v.At <= at).Max(v => (long?)v.Version) ?? 1))
                    .Min(k => (long?)k.Version) ?? current))
            .OrderByDescending(c => c.Version)
            .Select(c => new RecordedChange(c.Version, c.At, c.ChangesJson, c.Checkpoint))
            .ToListAsync(ct);
        // Every change after the version was made after the instant, so the oldest row is the version's own exactly when it
        // was made at or before it.
        DateTimeOffset? versionTime = rows.Count > 0 && rows[^1].At <= at ? rows[^1].At : null;
        if (versionTime is not null)
            rows.RemoveAt(rows.Count - 1);
        asset.RollBack(rows);
        asset.AsOfVersionTime(versionTime);
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

    private static readonly FieldGroup Registration = VisibilityRule.Group(VisibilityRule.Asset, "registration");

    /// <summary>
    /// Whether a history entry shows a changed field to a reader seeing <paramref name="groups"/>: only when the visibility
    /// rule shows the reader its group today (a field no group names is withheld), never a derived field. Who changed it,
    /// when and how stay: the version itself is identity data.
    /// </summary>
    internal static bool Shows(string field, GroupSet groups) => !Asset.IsDerived(field) && GroupOf(field) is { } g && groups.Contains(g);

    /// <summary>The reason of a lifecycle change shows only with the registrant's working notes (the group whose event data carries reasons).</summary>
    internal static bool ShowsReasons(GroupSet groups) => groups.Contains(Registration);

    /// <summary>The group whose fields hold <paramref name="path"/> (itself, or an object it lies in, as <c>provenance</c>).</summary>
    internal static FieldGroup? GroupOf(string path) => GroupsOfPaths.GetOrAdd(path, static p => VisibilityRule.AssetGroups.FirstOrDefault(g =>
        g.Fields.Any(f => p == f || p.StartsWith(f + ".", StringComparison.Ordinal))));

    /// <summary>Each field path's group, found once (a history page asks it of every changed field of every version).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, FieldGroup?> GroupsOfPaths = new(StringComparer.Ordinal);

    private static RequestValidationException AsOfInvalid(string code, string message) =>
        new([new FieldError("asOf", code, message)], AssetErrors.AsOfInvalid);
}
