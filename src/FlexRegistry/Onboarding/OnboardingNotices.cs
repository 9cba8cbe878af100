using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Onboarding;

/// <summary>
/// Onboarding's notices, derived from its state so each goes away once acted on. To the market operator: a new
/// application, an answer to accept or return, an onboarded provider that has since been suspended. To the provider:
/// a request to answer (open, or returned with a reason), an application returned with a reason.
/// </summary>
public sealed class OnboardingNotices(RegistryDbContext db) : INoticeSource
{
    public const string Application = "onboarding-application";
    public const string AnswerToReview = "onboarding-answer";
    public const string ProviderSuspended = "onboarded-provider-suspended";
    public const string RequestToAnswer = "onboarding-request";
    public const string ApplicationReturned = "onboarding-returned";

    private const int MaxEach = 200;

    public async Task<IReadOnlyList<NoticeResponse>> ListAsync(Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var me = caller.ParticipantId;
        var notices = new List<NoticeResponse>();

        foreach (var o in await db.MarketOnboardings.AsNoTracking().Where(o => o.OperatorId == me && o.Status == MarketOnboarding.Requested)
                     .OrderBy(o => o.Id).Take(MaxEach).ToListAsync(ct))
        {
            var raisedBy = await Notices.RaisedByAsync(db, "flexregistry.onboarding.requested", o.ParticipantId.Value, o.Id.ToString(), ct);
            notices.Add(Notice(Application, o.Id.ToString(), o.ParticipantId.Value,
                $"{o.ParticipantId} applied to join your market. Read what it granted you, then raise requests, onboard it or return the application with a reason.",
                o.Note ?? "", $"/api/v1/onboardings/{o.Id}", o.AppliedAt, raisedBy));
        }

        foreach (var r in await db.OnboardingRequests.AsNoTracking().Where(r => r.OperatorId == me && r.Status == OnboardingRequest.Answered)
                     .OrderBy(r => r.Id).Take(MaxEach).ToListAsync(ct))
        {
            var raisedBy = await Notices.RaisedByAsync(db, "flexregistry.onboarding_request.answered", r.ParticipantId.Value, r.Id.ToString(), ct);
            notices.Add(Notice(AnswerToReview, r.Id.ToString(), r.ParticipantId.Value,
                $"{r.ParticipantId} answered your {r.Kind} request. Accept it, or return it with a reason.",
                r.Description, $"/api/v1/onboardings/{r.OnboardingId}", r.UpdatedAt, raisedBy));
        }

        var suspended = await (from o in db.MarketOnboardings
                               join p in db.Participants on o.ParticipantId equals p.Id
                               where o.OperatorId == me && o.Status == MarketOnboarding.Onboarded && p.Status == ParticipantStatus.Suspended
                               orderby o.Id
                               select o).AsNoTracking().Take(MaxEach).ToListAsync(ct);
        foreach (var o in suspended)
        {
            var raisedBy = await Notices.RaisedByAsync(db, "flexregistry.participant.suspended", o.ParticipantId.Value, null, ct);
            notices.Add(Notice(ProviderSuspended, o.Id.ToString(), o.ParticipantId.Value,
                $"{o.ParticipantId}, onboarded to your market, has been suspended by the registry operator. Stop relying on it until it is reinstated.",
                "", $"/api/v1/participants/{o.ParticipantId}", o.UpdatedAt, raisedBy));
        }

        foreach (var r in await db.OnboardingRequests.AsNoTracking()
                     .Where(r => r.ParticipantId == me && (r.Status == OnboardingRequest.Open || r.Status == OnboardingRequest.Returned))
                     .OrderBy(r => r.Id).Take(MaxEach).ToListAsync(ct))
        {
            var type = r.Status == OnboardingRequest.Open ? "flexregistry.onboarding_request.raised" : "flexregistry.onboarding_request.returned";
            var raisedBy = await Notices.RaisedByAsync(db, type, me.Value, r.Id.ToString(), ct);
            notices.Add(Notice(RequestToAnswer, r.Id.ToString(), me.Value,
                r.Kind == OnboardingRequest.Document
                    ? $"{r.OperatorId} asks you for a document ({r.Subject}). Upload it as PDF, PNG or JPEG."
                    : $"{r.OperatorId} asks you for {r.Kind} ({r.Subject ?? "see detail"}). Answer the request.",
                r.Status == OnboardingRequest.Returned ? $"Returned: {r.ReturnReason}" : r.Description,
                $"/api/v1/onboardings/{r.OnboardingId}", r.UpdatedAt, raisedBy));
        }

        foreach (var o in await db.MarketOnboardings.AsNoTracking().Where(o => o.ParticipantId == me && o.Status == MarketOnboarding.Returned)
                     .OrderBy(o => o.Id).Take(MaxEach).ToListAsync(ct))
        {
            var raisedBy = await Notices.RaisedByAsync(db, "flexregistry.onboarding.returned", me.Value, o.Id.ToString(), ct);
            notices.Add(Notice(ApplicationReturned, o.Id.ToString(), me.Value,
                $"{o.OperatorId} returned your application. Address the reason, then apply again.",
                o.Reason ?? "", $"/api/v1/onboardings/{o.Id}", o.UpdatedAt, raisedBy));
        }
        return notices;
    }

    private static NoticeResponse Notice(string kind, string id, string subject, string action, string detail, string resource, DateTimeOffset at,
        Notices.RaisedBy? raisedBy) =>
        new($"{kind}:{id}", kind, subject, action, detail, resource, at, raisedBy?.Id.ToString(), raisedBy?.Sequence.ToString(CultureInfo.InvariantCulture));
}

/// <summary>An onboarding not returned relates the provider and the market's operator (BUC.4 step 9; a suspension reaches the operator).</summary>
public sealed class OnboardingRelationships(RegistryDbContext db) : IRelationshipSource
{
    public async Task<IReadOnlyList<ParticipantId>> RelatedToAsync(ParticipantId participant, DateTimeOffset at, CancellationToken ct)
    {
        var sides = await db.MarketOnboardings.AsNoTracking()
            .Where(o => (o.ParticipantId == participant || o.OperatorId == participant) && o.Status != MarketOnboarding.Returned)
            .Select(o => new { o.ParticipantId, o.OperatorId }).ToListAsync(ct);
        return [.. sides.Select(s => s.ParticipantId == participant ? s.OperatorId : s.ParticipantId).Distinct()];
    }
}
