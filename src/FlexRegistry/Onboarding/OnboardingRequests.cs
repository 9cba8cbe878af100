using System.Security.Cryptography;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Onboarding;

/// <summary>
/// BUC.4 step 7: the market operator asks, the provider answers (documents by upload), the operator accepts or
/// returns with a reason. Each step is evented to both sides and raises a notice for the side that must act next.
/// </summary>
public sealed class OnboardingRequests(RegistryDbContext db, Journal journal, OnboardingQueries queries, OnboardingOptions options, TimeProvider time)
{
    public async Task<OnboardingRequestResponse> RaiseAsync(OnboardingId id, RaiseOnboardingRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var kind = request.Kind?.Trim();
        if (kind is null || !OnboardingRequest.Kinds.Contains(kind))
            errors.Add("kind", string.IsNullOrWhiteSpace(kind) ? "field.required" : "field.invalid", $"kind is one of {string.Join(", ", OnboardingRequest.Kinds)}.");
        errors.Required("description", request.Description, 1000);
        errors.MaxLength("subject", request.Subject, 64);
        if (kind is "missing-field" or OnboardingRequest.Document && string.IsNullOrWhiteSpace(request.Subject))
            errors.Add("subject", "field.required", "subject names the missing field, or the document's code.");
        if (errors.Any)
            throw new RequestValidationException(errors.All, OnboardingErrors.RequestInvalid);

        var onboarding = await queries.LoadTrackedAsync(id, caller, ct);
        if (onboarding.OperatorId != caller.ParticipantId)
            throw new DomainRuleException(OnboardingErrors.WrongSide, "Only the market's operator raises onboarding requests.");
        // Asking something of a provider that has withdrawn its interest in the operator's markets is refused.
        if (!await db.MarketInterests.AnyAsync(i => i.ParticipantId == onboarding.ParticipantId && i.MarketOperatorId == onboarding.OperatorId && i.WithdrawnAt == null, ct))
            throw new DomainRuleException(OnboardingErrors.NotInterested, $"{onboarding.ParticipantId} is not interested in your markets (it withdrew its interest).");
        var now = time.GetUtcNow();
        onboarding.Start(now);
        var raised = OnboardingRequest.Raise(onboarding, kind!, request.Description!.Trim(), string.IsNullOrWhiteSpace(request.Subject) ? null : request.Subject.Trim(), now);
        db.OnboardingRequests.Add(raised);
        journal.Append([.. onboarding.TakeEvents(), .. raised.TakeEvents()],
            AuditEntry.By(caller, "onboarding_request.raise", "onboarding_request", raised.Id.ToString(), onboarding.ParticipantId.Value, "kind", "description", "subject"));
        await SaveAsync(ct);
        return raised.ToResponse();
    }

    public async Task<OnboardingRequestResponse> AnswerAsync(OnboardingId id, OnboardingRequestId requestId, AnswerOnboardingRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("answer", request.Answer, 2000);
        errors.ThrowIfAny();
        var (onboarding, item) = await LoadAsync(id, requestId, caller, ct);
        RequireProvider(onboarding, caller);
        item.AnswerWith(request.Answer!.Trim(), time.GetUtcNow());
        journal.Append(item.TakeEvents(), AuditEntry.By(caller, "onboarding_request.answer", "onboarding_request", item.Id.ToString(), onboarding.ParticipantId.Value, "answer"));
        await SaveAsync(ct);
        return item.ToResponse();
    }

    /// <summary>
    /// The provider uploads the document a request asks for: PDF, PNG or JPEG, at most the configured size, its content
    /// sniffed by signature (the declared Content-Type must agree), stored in the database with its SHA-256.
    /// </summary>
    public async Task<OnboardingRequestResponse> UploadAsync(OnboardingId id, OnboardingRequestId requestId, Stream body, string? contentType, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var (onboarding, item) = await LoadAsync(id, requestId, caller, ct);
        RequireProvider(onboarding, caller);
        var content = await ReadAsync(body, ct);
        if (content.Length == 0)
            throw new DomainRuleException(OnboardingErrors.DocumentEmpty, "The body is the document; it was empty.");
        var declared = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        var sniffed = DocumentSignature.Sniff(content);
        if (sniffed is null || sniffed != declared)
            throw new DomainRuleException(OnboardingErrors.DocumentType,
                sniffed is null
                    ? "The content is not a PDF, PNG or JPEG document."
                    : $"The content is {sniffed}, not {declared}: send it with Content-Type {sniffed}.");
        var now = time.GetUtcNow();
        item.AttachDocument(sniffed, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)), now);
        var stored = await db.OnboardingDocuments.FirstOrDefaultAsync(d => d.RequestId == requestId, ct);
        if (stored is null)
            db.OnboardingDocuments.Add(new OnboardingDocument(requestId, sniffed, content, now));
        else
            stored.Replace(sniffed, content, now);
        journal.Append(item.TakeEvents(), AuditEntry.By(caller, "onboarding_request.upload", "onboarding_request", item.Id.ToString(), onboarding.ParticipantId.Value, "document"));
        await SaveAsync(ct);
        return item.ToResponse();
    }

    public async Task<(byte[] Content, string ContentType)> DownloadAsync(OnboardingId id, OnboardingRequestId requestId, Caller caller, CancellationToken ct)
    {
        var (onboarding, item) = await LoadAsync(id, requestId, caller, ct);
        var document = await db.OnboardingDocuments.AsNoTracking().FirstOrDefaultAsync(d => d.RequestId == requestId, ct)
            ?? throw new DomainRuleException(OnboardingErrors.DocumentNotFound, $"Request {requestId} has no document yet.");
        // The provider's commercial evidence: every read is an audit record, written before the content is returned.
        journal.Append(AuditEntry.By(caller, "onboarding_request.document_read", "onboarding_request", item.Id.ToString(), onboarding.ParticipantId.Value, "document"));
        await journal.SaveAsync(ct);
        return (document.Content, document.ContentType);
    }

    public async Task<OnboardingRequestResponse> AcceptAsync(OnboardingId id, OnboardingRequestId requestId, Caller caller, CancellationToken ct)
    {
        var (onboarding, item) = await LoadAsync(id, requestId, caller, ct);
        RequireOperator(onboarding, caller);
        item.Accept(time.GetUtcNow());
        journal.Append(item.TakeEvents(), AuditEntry.By(caller, "onboarding_request.accept", "onboarding_request", item.Id.ToString(), onboarding.ParticipantId.Value, "status"));
        await SaveAsync(ct);
        return item.ToResponse();
    }

    public async Task<OnboardingRequestResponse> ReturnAsync(OnboardingId id, OnboardingRequestId requestId, ReasonRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("reason", request.Reason, 1000);
        errors.ThrowIfAny();
        var (onboarding, item) = await LoadAsync(id, requestId, caller, ct);
        RequireOperator(onboarding, caller);
        item.Return(request.Reason!.Trim(), time.GetUtcNow());
        journal.Append(item.TakeEvents(), AuditEntry.By(caller, "onboarding_request.return", "onboarding_request", item.Id.ToString(), onboarding.ParticipantId.Value, "status", "reason"));
        await SaveAsync(ct);
        return item.ToResponse();
    }

    private async Task<(MarketOnboarding Onboarding, OnboardingRequest Request)> LoadAsync(OnboardingId id, OnboardingRequestId requestId, Caller caller, CancellationToken ct)
    {
        var onboarding = await queries.LoadTrackedAsync(id, caller, ct);
        var item = await db.OnboardingRequests.FirstOrDefaultAsync(r => r.Id == requestId && r.OnboardingId == id, ct)
            ?? throw new DomainRuleException(OnboardingErrors.RequestNotFound, $"Onboarding {id} has no request {requestId}.");
        return (onboarding, item);
    }

    private static void RequireOpen(MarketOnboarding onboarding)
    {
        if (onboarding.Status is not (MarketOnboarding.Requested or MarketOnboarding.InProgress))
            throw new DomainRuleException(OnboardingErrors.Transition, $"Onboarding {onboarding.Id} is {onboarding.Status}; its requests no longer change.");
    }

    private static void RequireProvider(MarketOnboarding onboarding, Caller caller)
    {
        RequireOpen(onboarding);
        if (!caller.CanAdminister(onboarding.ParticipantId) || caller.ParticipantId == onboarding.OperatorId)
            throw new DomainRuleException(OnboardingErrors.WrongSide, "Only the provider answers its onboarding requests.");
    }

    private static void RequireOperator(MarketOnboarding onboarding, Caller caller)
    {
        RequireOpen(onboarding);
        if (onboarding.OperatorId != caller.ParticipantId)
            throw new DomainRuleException(OnboardingErrors.WrongSide, "Only the market's operator accepts or returns answers.");
    }

    private async Task<byte[]> ReadAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > options.MaxDocumentBytes)
                throw new BadHttpRequestException($"A document is at most {options.MaxDocumentBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The onboarding was changed at the same time; reload and retry.");
        }
    }
}

/// <summary>Configuration section <c>Onboarding</c>.</summary>
public sealed class OnboardingOptions
{
    /// <summary>Largest document accepted (the ordinary request-body limit also applies).</summary>
    public long MaxDocumentBytes { get; set; } = 1_000_000;
}

/// <summary>
/// The three document types onboarding takes, recognised by their leading bytes rather than the declared type (a
/// renamed executable is none of them). Three fixed signatures; no maintained sniffing package is available here.
/// </summary>
public static class DocumentSignature
{
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";

    public static readonly IReadOnlyList<string> Accepted = [Pdf, Png, Jpeg];

    private static readonly byte[] PdfMagic = "%PDF-"u8.ToArray();
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] JpegMagic = [0xFF, 0xD8, 0xFF];

    public static string? Sniff(ReadOnlySpan<byte> content) =>
        content.StartsWith(PdfMagic) ? Pdf
        : content.StartsWith(PngMagic) ? Png
        : content.StartsWith(JpegMagic) ? Jpeg
        : null;
}
