using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Onboarding;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>
/// One onboarding request (the two sides only). The provider answers it (<c>POST …/answer</c>) or uploads the document
/// it asks for (<c>PUT …/document</c>: the same <see cref="OnboardingRequests.UploadAsync"/>, so the same size limit and
/// content sniffing); the operator accepts or returns the answer with a reason; either downloads the document (audited).
/// </summary>
[Authorize(Policy = PagePolicies.ParticipantRead)]
public sealed class RequestModel(OnboardingQueries onboardings, OnboardingRequests requests, OnboardingOptions options) : RegistryPage
{
    /// <summary>The page's route, as <see cref="RequestLimitOptions.PageUploads"/> names it.</summary>
    public const string UploadRoute = "onboardings/{id}/requests/{requestId}";

    /// <summary>Room for the multipart form around the file (boundaries, headers, the antiforgery token).</summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    /// <summary>The largest document, as people read it (1,000,000 bytes: "1 MB").</summary>
    public string MaxDocumentSize => options.MaxDocumentBytes >= 1_000_000
        ? $"{(options.MaxDocumentBytes / 1_000_000m).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} MB"
        : $"{(options.MaxDocumentBytes / 1000m).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} KB";

    private string TooLarge => $"The selected file must be smaller than {MaxDocumentSize}";

    public override string Title => Request is null ? "Onboarding request" : OnboardingDisplay.KindName(Request.Kind) + (Request.Subject is null ? "" : $": {Request.Subject}");

    public OnboardingResponse? Onboarding { get; private set; }
    public new OnboardingRequestResponse? Request { get; private set; }
    public string? Done { get; private set; }

    [BindProperty(Name = "answer")] public string? Answer { get; set; }
    [BindProperty(Name = "reason")] public string? Reason { get; set; }

    public bool IsOpen => Onboarding?.Status is MarketOnboarding.Requested or MarketOnboarding.InProgress;
    public bool IsProvider => Onboarding is { } o && (Caller.IsRegistryOperator || o.ParticipantId == Caller.ParticipantId.Value) && o.OperatorId != Caller.ParticipantId.Value;
    public bool IsOperator => Onboarding?.OperatorId == Caller.ParticipantId.Value;
    public bool MayAnswer => IsOpen && IsProvider && Holds(Scopes.ParticipantManage) && Request?.Status is OnboardingRequest.Open or OnboardingRequest.Returned;
    public bool IsDocument => Request?.Kind == OnboardingRequest.Document;
    public bool MayReview => IsOpen && IsOperator && Holds(Scopes.ProductsManage) && Request?.Status == OnboardingRequest.Answered;

    public async Task<IActionResult> OnGetAsync(string id, string requestId, string? done, string? tooLarge, CancellationToken ct)
    {
        // Sent back here by the request limit: the file was over the form's limit, and nothing was read into the register.
        if (tooLarge is not null)
            AddError("file", CommonErrors.BodyTooLarge.Code, TooLarge);
        Done = done switch
        {
            "answered" => "Answer sent to the market's operator.",
            "uploaded" => "Document uploaded and sent to the market's operator.",
            "accepted" => "Answer accepted.",
            "returned" => "Answer returned to the provider.",
            _ => null,
        };
        return await LoadRequestAsync(id, requestId, ct) ? Page() : NotFound();
    }

    /// <summary>The uploaded document, to either side; every read is an audit record (as the API's).</summary>
    public async Task<IActionResult> OnGetDocumentAsync(string id, string requestId, CancellationToken ct)
    {
        (byte[] Content, string ContentType)? document = null;
        if (await RunAsync(async () => document = await requests.DownloadAsync(OnboardingQueries.ParseId(id), OnboardingQueries.ParseRequestId(requestId), Caller, ct)) is { } failed)
            return await LoadRequestAsync(id, requestId, ct) ? failed : NotFound();
        Response.Headers.CacheControl = "private, no-store";
        return File(document!.Value.Content, document.Value.ContentType);
    }

    public async Task<IActionResult> OnPostAnswerAsync(string id, string requestId, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ParticipantManage) is { } refused)
            return refused;
        return await ChangeAsync(id, requestId, "answered",
            () => requests.AnswerAsync(OnboardingQueries.ParseId(id), OnboardingQueries.ParseRequestId(requestId), new AnswerOnboardingRequest { Answer = Blank(Answer) }, Caller, ct), ct);
    }

    public async Task<IActionResult> OnPostUploadAsync(string id, string requestId, IFormFile? file, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ParticipantManage) is { } refused)
            return refused;
        if (file is null || file.Length == 0)
        {
            AddError("file", OnboardingErrors.DocumentEmpty.Code, "Select a PDF, PNG or JPEG file");
            return await LoadRequestAsync(id, requestId, ct) ? Page() : NotFound();
        }
        await using var stream = file.OpenReadStream();
        try
        {
            var failed = await RunAsync(() => requests.UploadAsync(OnboardingQueries.ParseId(id), OnboardingQueries.ParseRequestId(requestId), stream, file.ContentType, Caller, ct));
            if (failed is null)
                return Redirect($"/onboardings/{id}/requests/{requestId}?done=uploaded");
            // The use case's refusals of the content (type, emptiness) are about the file: point the summary at the input.
            var problems = Errors.Select(e => e with { Field = "file" }).ToList();
            ClearErrors();
            AddErrors(problems);
            return await LoadRequestAsync(id, requestId, ct) ? failed : NotFound();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            AddError("file", CommonErrors.BodyTooLarge.Code, TooLarge);
            return await LoadRequestAsync(id, requestId, ct) ? Page() : NotFound();
        }
    }

    public async Task<IActionResult> OnPostAcceptAsync(string id, string requestId, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ProductsManage) is { } refused)
            return refused;
        return await ChangeAsync(id, requestId, "accepted",
            () => requests.AcceptAsync(OnboardingQueries.ParseId(id), OnboardingQueries.ParseRequestId(requestId), Caller, ct), ct);
    }

    public async Task<IActionResult> OnPostReturnAsync(string id, string requestId, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ProductsManage) is { } refused)
            return refused;
        return await ChangeAsync(id, requestId, "returned",
            () => requests.ReturnAsync(OnboardingQueries.ParseId(id), OnboardingQueries.ParseRequestId(requestId), new ReasonRequest { Reason = Blank(Reason) }, Caller, ct), ct);
    }

    private async Task<IActionResult> ChangeAsync(string id, string requestId, string done, Func<Task<OnboardingRequestResponse>> change, CancellationToken ct)
    {
        if (await RunAsync(change) is { } failed)
            return await LoadRequestAsync(id, requestId, ct) ? failed : NotFound();
        return Redirect($"/onboardings/{id}/requests/{requestId}?done={done}");
    }

    private async Task<bool> LoadRequestAsync(string id, string requestId, CancellationToken ct)
    {
        Onboarding = await LoadAsync(async () => (await onboardings.GetAsync(OnboardingQueries.ParseId(id), Caller, ct)).Response);
        Request = Onboarding?.Requests.FirstOrDefault(r => r.RequestId == requestId);
        return Request is not null;
    }
}
