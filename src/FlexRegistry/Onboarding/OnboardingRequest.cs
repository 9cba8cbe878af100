using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Onboarding;

/// <summary>
/// Something the market operator asks of the provider during onboarding (BUC.4 step 7): a missing field, a document,
/// bank details to confirm, a technical test, an agreement to sign. The provider answers (a document by upload); the
/// operator accepts it or returns it with a reason, and the provider answers again.
/// <code>open ─answer→ answered ─accept→ accepted
///                     └─return (reason)→ returned ─answer→ answered</code>
/// </summary>
public sealed class OnboardingRequest : EventSource
{
    public const string Open = "open";
    public const string Answered = "answered";
    public const string Accepted = "accepted";
    public const string Returned = "returned";

    public const string Document = "document";

    public static readonly IReadOnlyList<string> Kinds = ["missing-field", Document, "bank-details", "technical-test", "agreement"];

    private OnboardingRequest() { }

    public OnboardingRequestId Id { get; private set; }
    public OnboardingId OnboardingId { get; private set; }
    public ParticipantId ParticipantId { get; private set; }
    public ParticipantId OperatorId { get; private set; }
    public string Kind { get; private set; } = "";
    public string Description { get; private set; } = "";
    public string? Subject { get; private set; }
    public string Status { get; private set; } = Open;
    public string? Answer { get; private set; }
    public string? DocumentContentType { get; private set; }
    public long? DocumentSize { get; private set; }
    public string? DocumentSha256 { get; private set; }
    public DateTimeOffset? DocumentUploadedAt { get; private set; }
    public string? ReturnReason { get; private set; }
    public DateTimeOffset RaisedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public Guid Version { get; private set; }

    public static OnboardingRequest Raise(MarketOnboarding onboarding, string kind, string description, string? subject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(onboarding);
        var request = new OnboardingRequest
        {
            Id = OnboardingRequestId.New(now),
            OnboardingId = onboarding.Id,
            ParticipantId = onboarding.ParticipantId,
            OperatorId = onboarding.OperatorId,
            Kind = kind,
            Description = description,
            Subject = subject,
            RaisedAt = now,
        };
        request.Move(Open, now, "onboarding_request.raised");
        return request;
    }

    public void AnswerWith(string answer, DateTimeOffset now)
    {
        if (Kind == Document)
            throw new DomainRuleException(OnboardingErrors.Transition, $"Request {Id} asks for a document: upload it to …/requests/{Id}/document.");
        RequireAnswerable();
        Answer = answer;
        Move(Answered, now, "onboarding_request.answered");
    }

    public void AttachDocument(string contentType, long size, string sha256, DateTimeOffset now)
    {
        if (Kind != Document)
            throw new DomainRuleException(OnboardingErrors.DocumentNotExpected, $"Request {Id} is a {Kind} request; answer it with a text answer.");
        RequireAnswerable();
        DocumentContentType = contentType;
        DocumentSize = size;
        DocumentSha256 = sha256;
        DocumentUploadedAt = now;
        Move(Answered, now, "onboarding_request.answered");
    }

    public void Accept(DateTimeOffset now)
    {
        if (Status != Answered)
            throw new DomainRuleException(OnboardingErrors.Transition, $"Request {Id} is {Status}; only an answered request is accepted.");
        ReturnReason = null;
        Move(Accepted, now, "onboarding_request.accepted");
    }

    public void Return(string reason, DateTimeOffset now)
    {
        if (Status != Answered)
            throw new DomainRuleException(OnboardingErrors.Transition, $"Request {Id} is {Status}; only an answered request is returned.");
        ReturnReason = reason;
        Move(Returned, now, "onboarding_request.returned");
    }

    private void RequireAnswerable()
    {
        if (Status is not (Open or Returned))
            throw new DomainRuleException(OnboardingErrors.Transition, $"Request {Id} is {Status}; it is answered while open or returned.");
    }

    private void Move(string status, DateTimeOffset now, string eventType)
    {
        Status = status;
        UpdatedAt = now;
        Version = Guid.NewGuid();
        Record(eventType, ParticipantId.Value,
            new Dictionary<string, object?>
            {
                ["onboardingId"] = OnboardingId.ToString(),
                ["requestId"] = Id.ToString(),
                ["kind"] = Kind,
                ["status"] = Status,
                ["participantId"] = ParticipantId.Value,
                ["operatorId"] = OperatorId.Value,
            },
            ParticipantId.Value, OperatorId.Value);
    }

    public OnboardingRequestResponse ToResponse() => new(
        Id.ToString(), Kind, Description, Subject, Status, Answer,
        DocumentUploadedAt is { } at ? new OnboardingDocumentResponse(DocumentContentType!, DocumentSize!.Value, DocumentSha256!, at) : null,
        ReturnReason, RaisedAt, UpdatedAt);
}

/// <summary>
/// An uploaded document's bytes, in the register's own database (its durability and backups), one row per request:
/// a new upload after a return replaces it. Kept apart from the request so lists never load the content.
/// </summary>
public sealed class OnboardingDocument
{
    private OnboardingDocument() { }

    public OnboardingDocument(OnboardingRequestId requestId, string contentType, byte[] content, DateTimeOffset now)
    {
        RequestId = requestId;
        ContentType = contentType;
        Content = content;
        UploadedAt = now;
    }

    public OnboardingRequestId RequestId { get; private set; }
    public string ContentType { get; private set; } = "";
    public byte[] Content { get; private set; } = [];
    public DateTimeOffset UploadedAt { get; private set; }

    public void Replace(string contentType, byte[] content, DateTimeOffset now)
    {
        ContentType = contentType;
        Content = content;
        UploadedAt = now;
    }
}
