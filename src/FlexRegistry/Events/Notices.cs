using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Duplicates;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Events;

/// <summary>
/// Actions the calling participant must take (BUC.4 step 7), derived from the register's state so that a notice
/// disappears by itself once resolved: verification sent to manual review, and open possible-duplicate cases it is a
/// party to, plus what other features contribute through <see cref="INoticeSource"/>. Each was raised as an event when it
/// arose; the notice names that event.
/// </summary>
public sealed class Notices(RegistryDbContext db, IEnumerable<INoticeSource> sources)
{
    public const string VerificationReview = "verification-review";
    public const string PossibleDuplicate = "possible-duplicate";

    public async Task<IReadOnlyList<NoticeResponse>> ListAsync(Caller caller, CancellationToken ct)
    {
        var notices = new List<NoticeResponse>();
        var me = caller.ParticipantId;
        var participant = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == me, ct);
        if (participant is { Status: ParticipantStatus.Provisional, Verification.Stage: VerificationStage.ManualReview })
        {
            var raisedBy = await RaisedByAsync("flexregistry.participant.verification_review_required", me.Value, null, ct);
            notices.Add(new NoticeResponse(
                $"{VerificationReview}:{me.Value}", VerificationReview, me.Value,
                "Your registration could not be verified automatically. Be ready to send the registry operator evidence of the organisation's identity (certificate of incorporation, proof of registered address) when asked.",
                participant.Verification.Summary ?? "", $"/api/v1/participants/{me.Value}", participant.Verification.UpdatedAt,
                raisedBy?.Id.ToString(), raisedBy?.Sequence.ToString(CultureInfo.InvariantCulture)));
        }

        var party = " " + me.Value + " ";
        var cases = await db.DuplicateCases.AsNoTracking()
            .Where(c => c.Status == DuplicateCaseStatus.Open && c.Parties.Contains(party))
            .OrderBy(c => c.Id).Take(200).ToListAsync(ct);
        foreach (var c in cases)
        {
            var raisedBy = await RaisedByAsync($"flexregistry.{c.Kind}.duplicate_suspected", c.SubjectId, c.Id.ToString(), ct);
            var other = c.SubjectId == me.Value ? c.CandidateId : c.SubjectId;
            notices.Add(new NoticeResponse(
                $"{PossibleDuplicate}:{c.Id}", PossibleDuplicate, c.SubjectId,
                $"A {c.Kind} record looks like a duplicate of {other}. Tell the registry operator whether they are the same; the case stays open until it is merged or dismissed.",
                $"Similarity {c.Score.ToString("0.00", CultureInfo.InvariantCulture)} between {c.SubjectId} and {c.CandidateId}.",
                $"/api/v1/duplicate-cases/{c.Id}", c.OpenedAt,
                raisedBy?.Id.ToString(), raisedBy?.Sequence.ToString(CultureInfo.InvariantCulture)));
        }
        foreach (var source in sources)
            notices.AddRange(await source.ListAsync(caller, ct));
        return [.. notices.OrderBy(n => n.RaisedAt)];
    }

    private Task<RaisedBy?> RaisedByAsync(string type, string subject, string? dataContains, CancellationToken ct) =>
        RaisedByAsync(db, type, subject, dataContains, ct);

    /// <summary>
    /// The latest sequenced event of <paramref name="type"/> about <paramref name="subject"/> (whose data contains
    /// <paramref name="dataContains"/>): what raised a notice. One committed a moment ago may not be sequenced yet.
    /// </summary>
    public static Task<RaisedBy?> RaisedByAsync(RegistryDbContext db, string type, string subject, string? dataContains, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var q = db.Events.AsNoTracking().Where(e => e.Type == type && e.Subject == subject);
        if (dataContains is not null)
            q = q.Where(e => e.DataJson.Contains(dataContains));
        return (from e in q
                join s in db.SequencedEvents on e.Position equals s.Position
                orderby s.Sequence descending
                select new RaisedBy(e.Id, s.Sequence)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The event that raised a notice: its ID and its place in the log.</summary>
    public sealed record RaisedBy(Guid Id, long Sequence);
}

/// <summary>
/// A feature's notices: actions the calling participant must take, derived from that feature's state so that each goes
/// away by itself once resolved. <see cref="Notices"/> lists every registered source's.
/// </summary>
public interface INoticeSource
{
    Task<IReadOnlyList<NoticeResponse>> ListAsync(Caller caller, CancellationToken ct);
}
