using System.Text;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>Reading participants: one record (BUC.4 step 8: the ID resolves everywhere) and the directory (step 5).</summary>
public sealed class ParticipantQueries(RegistryDbContext db)
{
    public const int MaxPageSize = 200;

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
    /// organisation's registered office — public record, so such reads are not access-logged.
    /// </remarks>
    public async Task<ParticipantResponse> GetAsync(ParticipantId id, Caller caller, CancellationToken ct)
    {
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
        return ToResponse(participant, history, groups);
    }

    private static readonly FieldGroup RegisteredOffice = VisibilityRule.Group(VisibilityRule.Participant, "registered-office");
    private static readonly FieldGroup ContactDetails = VisibilityRule.Group(VisibilityRule.Participant, "contact-details");
    private static readonly FieldGroup Verification = VisibilityRule.Group(VisibilityRule.Participant, "verification");

    public async Task<Page<DirectoryEntry>> SearchAsync(string? query, string? role, string? status, string? cursor, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.PageSize(limit, 50, MaxPageSize);
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
        (string Name, string Id)? after = null;
        if (cursor is not null)
        {
            after = DecodeCursor(cursor);
            if (after is null)
                errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        }
        errors.ThrowIfAny();

        var q = db.Participants.AsNoTracking().Where(p => !p.Roles.Contains(ParticipantRole.RegistryOperator));
        if (statusFilter is { } only)
            q = q.Where(p => p.Status == only);
        else if (!caller.IsRegistryOperator)
            q = q.Where(p => p.Status == ParticipantStatus.Active);
        if (role is not null)
            q = q.Where(p => p.Roles.Contains(role));
        if (!string.IsNullOrWhiteSpace(query))
        {
            var normalised = OrganisationName.Normalise(query);
            var upper = query.Trim().ToUpperInvariant();
            if (ParticipantId.TryParse(query.Trim(), out var byId))
                q = q.Where(p => p.Id == byId);
            else if (CompanyNumber.TryParse(query, out var company) && query.Any(char.IsDigit))
                q = q.Where(p => p.CompanyNumber == company.Value || p.NormalisedName.Contains(normalised));
            else if (upper.Length == 16 && Eic.TryParse(upper, out var eic))
                q = q.Where(p => p.EicCode == eic.Value);
            else
                q = q.Where(p => p.NormalisedName.Contains(normalised));
        }

        var page = new List<Participant>(size + 1);
        if (after is { } a)
        {
            // Keyset pagination on (normalised name, ID): names tie only for near-duplicates, so the tie set is tiny.
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
        var next = page.Count > size ? EncodeCursor(page[size - 1]) : null;
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

    private static DirectoryEntry ToDirectoryEntry(Participant p)
    {
        var parsed = Postcode.TryParse(p.RegisteredAddress.Postcode, out var postcode);
        var area = !parsed ? null : DnoArea.FindByPostcodeArea(postcode.Area);
        return new DirectoryEntry(p.Id.Value, p.LegalName, p.Status.ToWire(), p.CompanyNumber, p.EicCode, p.Roles,
            p.RegisteredAddress.Town, parsed ? postcode.District : null, area?.Name, p.MergedInto?.Value);
    }

    internal static string ToWire(VerificationStage stage) => stage switch
    {
        VerificationStage.Queued => "queued",
        VerificationStage.ManualReview => "manual-review",
        VerificationStage.Completed => "completed",
        VerificationStage.Failed => "failed",
        _ => stage.ToString().ToLowerInvariant(),
    };

    private static string EncodeCursor(Participant last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(last.NormalisedName + "\n" + last.Id.Value)).Replace('+', '-').Replace('/', '_');

    private static (string, string)? DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor.Replace('-', '+').Replace('_', '/')));
            var parts = text.Split('\n');
            return parts.Length == 2 && ParticipantId.TryParse(parts[1], out _) ? (parts[0], parts[1]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
