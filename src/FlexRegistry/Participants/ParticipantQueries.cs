using System.Globalization;
using System.Text;
using System.Text.Json;
using FlexRegistry.AccessLog;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>Reading participants: one record (BUC.4 step 8: the ID resolves everywhere) and the directory (step 5).</summary>
public sealed class ParticipantQueries(
    RegistryDbContext db, DirectorySearch search, IMarketMembership membership, Readers readers, AccessLogRecorder accessLog)
{
    public const int MaxPageSize = 200;
    public const int MaxQueryLength = 200;

    public static ParticipantId ParseId(string id) =>
        ParticipantId.TryParse(id, out var parsed)
            ? parsed
            : throw new DomainRuleException(ParticipantErrors.InvalidId,
                $"'{Truncate(id)}' is not a participant ID: expected FRP- followed by 13 characters with a valid check character.");

    /// <summary>
    /// Another participant's record is visible only while it is in the public directory (active, suspended or merged);
    /// anything else answers 404 exactly as a missing ID does.
    /// </summary>
    /// <remarks>
    /// What is shown is decided by the visibility rule from the reader's relationship: the participant itself
    /// (registrant of its own record) and the registry operator see every group; others see the directory entry and an
    /// organisation's registered office — public record, so such reads are not access-logged. A reader holding a grant
    /// from the participant and reading with its purpose sees the commercial-information sections the grant covers too, and
    /// that read is access-logged before it is answered (<see cref="UnderGrantAsync"/>).
    /// </remarks>
    public Task<ParticipantResponse> GetAsync(ParticipantId id, Caller caller, CancellationToken ct) => GetAsync(id, null, caller, ct);

    /// <inheritdoc cref="GetAsync(ParticipantId, Caller, CancellationToken)"/>
    public async Task<ParticipantResponse> GetAsync(ParticipantId id, string? purpose, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var declared = Purposes.Check(purpose, caller.IsRegistryOperator, errors);
        errors.ThrowIfAny();
        var participant = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (participant is null)
            throw NotFound(id);
        var relations = Relation.AnyParticipant
            | (caller.ParticipantId == id ? Relation.Registrant : Relation.None)
            | (caller.IsRegistryOperator ? Relation.RegistryOperator : Relation.None)
            | (caller.Roles.Any(ParticipantRole.IsBuyer) ? Relation.MarketOrSystemOperator : Relation.None);
        var groups = VisibilityRule.Visible(VisibilityRule.Participant, relations, GroupSet.None);
        if (!groups.Contains(Verification) && !IsPublic(participant.Status))
            throw NotFound(id);
        var history = groups.Contains(Verification)
            ? await db.ParticipantStatusChanges.AsNoTracking().Where(s => s.ParticipantId == id).OrderBy(s => s.Id).ToListAsync(ct)
            : null;
        var response = ToResponse(participant, history, groups);
        var granted = await UnderGrantAsync([id], declared, caller, ct);
        return granted.TryGetValue(id, out var more) ? response with { Information = more.Information, WithheldGroups = more.Withheld } : response;
    }

    /// <summary>Commercial information shown under a grant: the sections granted, and the others' codes.</summary>
    private sealed record Granted(CommercialInformationRequest Information, IReadOnlyList<string> Withheld);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// "More under a grant" (BUC.4 step 6) for the participants of one read: of each of <paramref name="ids"/> that granted the
    /// reader commercial-information sections for the read's purpose (declared, or its API client's default), the sections
    /// the visibility rule then shows. All of them are access-logged as one read before anything is returned: if the log
    /// cannot be written, the read answers 503 and returns nothing. No purpose, no grant, or a token without
    /// <c>commercial:read</c>: nothing more, and no refusal. The participant itself and the registry operator read commercial
    /// information at its own endpoint (<see cref="SubmitCommercialInformation"/>), not here.
    /// </summary>
    private async Task<Dictionary<ParticipantId, Granted>> UnderGrantAsync(IReadOnlyCollection<ParticipantId> ids, string? declared, Caller caller,
        CancellationToken ct)
    {
        var shown = new Dictionary<ParticipantId, Granted>();
        if (ids.Count == 0 || caller.IsRegistryOperator || !caller.Scopes.Contains(Scopes.CommercialRead))
            return shown;
        if (await readers.ResolveWithPurposeAsync(caller, declared, ct) is not { } reader)
            return shown;
        var grantors = CommercialSections.GrantorsForPurpose(reader);
        var wanted = ids.Where(grantors.Contains).ToList();
        if (wanted.Count == 0)
            return shown;
        var stored = await db.CommercialInformation.AsNoTracking().Where(c => wanted.Contains(c.ParticipantId))
            .Select(c => new { c.ParticipantId, c.DocumentJson }).ToListAsync(ct);
        var records = new List<ReadRecord>(stored.Count);
        foreach (var document in stored)
        {
            var sections = CommercialSections.Readable(reader, document.ParticipantId, out _);
            if (sections.IsEmpty)
                continue;
            var info = JsonSerializer.Deserialize<CommercialInformationRequest>(document.DocumentJson, Json)!;
            shown[document.ParticipantId] = new Granted(CommercialSections.Redact(info, sections), CommercialSections.Withheld(sections));
            records.Add(new ReadRecord(document.ParticipantId.Value, sections, [document.ParticipantId]));
        }
        // Recorded before anything is returned: if the read cannot be logged, the caller gets nothing.
        if (records.Count > 0)
            await accessLog.RecordAsync(new AccessRead(reader.ParticipantId, caller.Actor, caller.ClientId, reader.Purpose!,
                AccessActions.CommercialInformationRead, VisibilityRule.Participant, records), ct);
        return shown;
    }

    private static readonly FieldGroup RegisteredOffice = VisibilityRule.Group(VisibilityRule.Participant, "registered-office");
    private static readonly FieldGroup ContactDetails = VisibilityRule.Group(VisibilityRule.Participant, "contact-details");
    private static readonly FieldGroup Verification = VisibilityRule.Group(VisibilityRule.Participant, "verification");

    /// <summary>The directory's filters (all optional); see <see cref="SearchAsync"/>.</summary>
    public sealed record DirectoryQuery(string? Query, string? Role, string? Status, string? Area, string? Market, string? Cursor, int? Limit,
        string? Purpose = null);

    /// <summary>
    /// The directory (BUC.4 step 5). A participant ID or EIC finds exactly that participant; anything else is a name,
    /// matched tolerant of typos and legal suffixes and ranked best first (<see cref="DirectorySearch"/>); a company number
    /// also finds its company. Without a query the directory lists by name. Filters: role, status, area served (GSP group)
    /// and market (operated, or onboarded to). Every entry shows public fields, and the commercial-information sections its
    /// participant granted the reader for the read's purpose (<see cref="UnderGrantAsync"/>, one access-log entry per page).
    /// </summary>
    public async Task<Page<DirectoryEntry>> SearchAsync(DirectoryQuery request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (query, role, status, cursor) = (request.Query, request.Role, request.Status, request.Cursor);
        var errors = new FieldErrors();
        var size = errors.PageSize(request.Limit, 50, MaxPageSize);
        if (role is not null && !ParticipantRole.IsRequestable(role))
            errors.Add("role", ParticipantErrors.UnknownRole.Code, $"role must be one of {string.Join(", ", ParticipantRole.Requestable)}.");
        ParticipantStatus? statusFilter = null;
        if (status is not null)
        {
            if (Enum.TryParse<ParticipantStatus>(status, ignoreCase: true, out var s) && !int.TryParse(status, out _))
                statusFilter = s;
            else
                errors.Add("status", "field.invalid", "status must be provisional, active, suspended, deregistered, rejected or merged.");
            if (statusFilter is not null && !caller.IsRegistryOperator && !IsPublic(statusFilter.Value))
                errors.Add("status", "field.invalid", "Only active, suspended and merged participants are in the public directory.");
        }
        var area = request.Area is null ? null : DnoArea.FindByGspGroup(request.Area);
        if (request.Area is not null && area is null)
            errors.Add("area", "field.invalid", "area is a GSP group, _A to _P.");
        IQueryable<ParticipantId>? marketMembers = null;
        if (request.Market is not null && !membership.TryMembers(request.Market, out marketMembers))
            errors.Add("market", "field.invalid", "market is a market ID (GET /api/v1/markets).");
        if (query is { Length: > MaxQueryLength })
            errors.Add("query", "field.too_long", $"query is at most {MaxQueryLength} characters.");
        var declared = Purposes.Check(request.Purpose, caller.IsRegistryOperator, errors);
        var key = string.IsNullOrWhiteSpace(query) ? "" : OrganisationName.SearchKey(query);
        var ranked = key.Length > 0 && !IsIdentifier(query!);
        Cursor? after = null;
        if (cursor is not null)
        {
            after = DecodeCursor(cursor);
            if (after is null || after.Ranked != ranked)
                errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued for this search.");
        }
        errors.ThrowIfAny();

        var q = db.Participants.AsNoTracking().Where(p => !p.Roles.Contains(ParticipantRole.RegistryOperator));
        if (statusFilter is { } only)
            q = q.Where(p => p.Status == only);
        else if (!caller.IsRegistryOperator)
            q = q.Where(p => p.Status == ParticipantStatus.Active);
        if (role is not null)
            q = q.Where(p => p.Roles.Contains(role));
        if (area is not null)
        {
            var serving = membership.ServingArea(area.GspGroup);
            q = q.Where(p => serving.Contains(p.Id));
        }
        if (marketMembers is not null)
            q = q.Where(p => marketMembers.Contains(p.Id));

        var page = ranked
            ? await RankedPageAsync(q, query!, key, after, size, ct)
            : await ListedPageAsync(IdentifierFilter(q, query), after, size, ct);
        var granted = await UnderGrantAsync([.. page.Items.Select(i => ParticipantId.Parse(i.ParticipantId))], declared, caller, ct);
        return granted.Count == 0
            ? page
            : page with
            {
                Items = [.. page.Items.Select(i => granted.TryGetValue(ParticipantId.Parse(i.ParticipantId), out var more)
                    ? i with { Information = more.Information, WithheldGroups = more.Withheld }
                    : i)],
            };
    }

    /// <summary>A participant ID or an EIC: an exact lookup, not a name.</summary>
    private static bool IsIdentifier(string query)
    {
        var trimmed = query.Trim();
        return ParticipantId.TryParse(trimmed, out _) || (trimmed.Length == 16 && Eic.TryParse(trimmed.ToUpperInvariant(), out _));
    }

    private static IQueryable<Participant> IdentifierFilter(IQueryable<Participant> q, string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
            return q;
        var trimmed = query.Trim();
        if (ParticipantId.TryParse(trimmed, out var byId))
            return q.Where(p => p.Id == byId);
        var eic = Eic.TryParse(trimmed.ToUpperInvariant(), out var parsed) ? parsed.Value : trimmed;
        return q.Where(p => p.EicCode == eic);
    }

    /// <summary>Name matches best first; ties by name, then ID. The cursor carries the last entry's (score, name, ID).</summary>
    private async Task<Page<DirectoryEntry>> RankedPageAsync(IQueryable<Participant> q, string query, string key, Cursor? after, int size, CancellationToken ct)
    {
        // The entries after the cursor: the page and one more, to know whether there is a next page.
        Func<DirectorySearch.Hit, bool> afterCursor = after is { } a
            ? h => h.Score < a.Score
                || (h.Score == a.Score && (string.CompareOrdinal(h.SearchName, a.Name) > 0
                    || (h.SearchName == a.Name && string.CompareOrdinal(h.Id.Value, a.Id) > 0)))
            : _ => true;
        var hits = await search.MatchAsync(q, key, afterCursor, size + 1, ct);
        if (CompanyNumber.TryParse(query, out var company) && query.Any(char.IsDigit))
        {
            var byNumber = await q.Where(p => p.CompanyNumber == company.Value).Select(p => new { p.Id, p.SearchName }).ToListAsync(ct);
            hits = [.. byNumber.Select(b => new DirectorySearch.Hit(b.Id, b.SearchName, 1)), .. hits.Where(h => byNumber.All(b => b.Id != h.Id))];
        }
        var window = hits.Where(afterCursor).Take(size + 1).ToList();
        var ids = window.Take(size).Select(h => h.Id).ToList();
        // Only the directory entry's columns of the page's rows.
        var rows = (await db.Participants.AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new DirectoryRow(p.Id, p.LegalName, p.Status, p.CompanyNumber, p.EicCode, p.Roles, p.RegisteredAddress.Town,
                p.RegisteredAddress.Postcode, p.MergedInto))
            .ToListAsync(ct)).ToDictionary(p => p.Id);
        var items = window.Take(size).Where(h => rows.ContainsKey(h.Id)).Select(h => ToDirectoryEntry(rows[h.Id]) with { Score = h.Score }).ToList();
        var last = window.Count > size ? window[size - 1] : null;
        return new Page<DirectoryEntry>(items, last is null ? null : EncodeCursor(new Cursor(true, last.Score, last.SearchName, last.Id.Value)));
    }

    /// <summary>Keyset pagination on (normalised name, ID): names tie only for near-duplicates, so the tie set is tiny.</summary>
    private static async Task<Page<DirectoryEntry>> ListedPageAsync(IQueryable<Participant> q, Cursor? after, int size, CancellationToken ct)
    {
        var page = new List<Participant>(size + 1);
        if (after is { } a)
        {
            var ties = await q.Where(p => p.NormalisedName == a.Name).OrderBy(p => p.Id).ToListAsync(ct);
            page.AddRange(ties.Where(p => string.CompareOrdinal(p.Id.Value, a.Id) > 0));
            if (page.Count <= size)
                page.AddRange(await q.Where(p => string.Compare(p.NormalisedName, a.Name) > 0)
                    .OrderBy(p => p.NormalisedName).ThenBy(p => p.Id).Take(size + 1 - page.Count).ToListAsync(ct));
        }
        else
        {
            page.AddRange(await q.OrderBy(p => p.NormalisedName).ThenBy(p => p.Id).Take(size + 1).ToListAsync(ct));
        }

        var items = page.Take(size).Select(ToDirectoryEntry).ToList();
        var next = page.Count > size ? EncodeCursor(new Cursor(false, 0, page[size - 1].NormalisedName, page[size - 1].Id.Value)) : null;
        return new Page<DirectoryEntry>(items, next);
    }

    public static bool IsPublic(ParticipantStatus status) =>
        status is ParticipantStatus.Active or ParticipantStatus.Suspended or ParticipantStatus.Merged;

    public static DomainRuleException NotFound(ParticipantId id) => new(ParticipantErrors.NotFound, $"No participant {id} is visible to you.");

    internal static ParticipantResponse ToFullResponse(Participant p, IReadOnlyList<StatusChange> history) =>
        ToResponse(p, history, VisibilityRule.Everything(VisibilityRule.Participant));

    /// <summary>
    /// The participant record showing <paramref name="groups"/>. An individual's registered address is their home: unless
    /// the contact details are shown too, it is reduced to town and postcode district.
    /// </summary>
    internal static ParticipantResponse ToResponse(Participant p, IReadOnlyList<StatusChange>? history, GroupSet groups)
    {
        var contact = groups.Contains(ContactDetails);
        var verification = groups.Contains(Verification);
        var office = groups.Contains(RegisteredOffice) && (!p.Individual || contact);
        return new ParticipantResponse(
            p.Id.Value, p.LegalName, p.Status.ToWire(), p.CompanyNumber, p.EicCode, contact ? p.VatNumber : null, p.Individual,
            office
                ? new AddressDto { Line1 = p.RegisteredAddress.Line1, Line2 = p.RegisteredAddress.Line2, Town = p.RegisteredAddress.Town, Postcode = p.RegisteredAddress.Postcode }
                : new AddressDto { Town = p.RegisteredAddress.Town, Postcode = Postcode.TryParse(p.RegisteredAddress.Postcode, out var pc) ? pc.District : null },
            contact ? p.ContactEmail : null,
            contact ? new AuthorisedPersonDto { Name = p.AuthorisedPerson.Name, Email = p.AuthorisedPerson.Email } : null,
            p.Roles,
            verification ? new VerificationDto(ToWire(p.Verification.Stage), p.Verification.Source, p.Verification.Summary, p.Verification.UpdatedAt) : null,
            p.MergedInto?.Value, p.RegisteredAt, p.UpdatedAt,
            verification && history is not null ? [.. history.Select(h => new StatusChangeDto(h.From.ToWire(), h.To.ToWire(), h.Reason, h.Actor, h.At))] : null);
    }

    /// <summary>The public directory entry: the fields the visibility rule shows to any participant (group "directory"), with the town and postcode district.</summary>
    internal static DirectoryEntry ToDirectoryEntry(Participant p) =>
        ToDirectoryEntry(new DirectoryRow(p.Id, p.LegalName, p.Status, p.CompanyNumber, p.EicCode, p.Roles, p.RegisteredAddress.Town,
            p.RegisteredAddress.Postcode, p.MergedInto));

    /// <summary>The columns a directory entry is made of, for reads that fetch no more (the public catalogue).</summary>
    public sealed record DirectoryRow(ParticipantId Id, string LegalName, ParticipantStatus Status, string? CompanyNumber, string? EicCode,
        IReadOnlyList<string> Roles, string Town, string Postcode, ParticipantId? MergedInto);

    /// <summary>The directory entry of <paramref name="p"/> (see <see cref="ToDirectoryEntry(Participant)"/>).</summary>
    internal static DirectoryEntry ToDirectoryEntry(DirectoryRow p)
    {
        var parsed = Postcode.TryParse(p.Postcode, out var postcode);
        var area = !parsed ? null : DnoArea.FindByPostcodeArea(postcode.Area);
        return new DirectoryEntry(p.Id.Value, p.LegalName, p.Status.ToWire(), p.CompanyNumber, p.EicCode, p.Roles,
            p.Town, parsed ? postcode.District : null, area?.Name, p.MergedInto?.Value);
    }

    internal static string ToWire(VerificationStage stage) => stage switch
    {
        VerificationStage.Queued => "queued",
        VerificationStage.ManualReview => "manual-review",
        VerificationStage.Completed => "completed",
        VerificationStage.Failed => "failed",
        _ => stage.ToString().ToLowerInvariant(),
    };

    private sealed record Cursor(bool Ranked, double Score, string Name, string Id);

    private static string EncodeCursor(Cursor c) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(
                (c.Ranked ? "r\n" + c.Score.ToString("R", CultureInfo.InvariantCulture) + "\n" : "") + c.Name + "\n" + c.Id))
            .Replace('+', '-').Replace('/', '_');

    private static Cursor? DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor.Replace('-', '+').Replace('_', '/')));
            var parts = text.Split('\n');
            if (parts.Length == 2 && ParticipantId.TryParse(parts[1], out _))
                return new Cursor(false, 0, parts[0], parts[1]);
            if (parts.Length == 4 && parts[0] == "r" && ParticipantId.TryParse(parts[3], out _)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var score))
                return new Cursor(true, score, parts[2], parts[3]);
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
