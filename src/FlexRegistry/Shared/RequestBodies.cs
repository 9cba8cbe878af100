using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FlexRegistry.Shared;

/// <summary>
/// Media types an endpoint takes that it does not bind itself (an upload read from the stream, the token endpoint's
/// form): the same role as <c>Accepts</c> metadata, without routing answering 415 before authentication.
/// </summary>
public sealed class AcceptedMediaTypes(params string[] mediaTypes)
{
    public IReadOnlyList<string> MediaTypes { get; } = mediaTypes;
}

/// <summary>
/// Every request body, on every endpoint, once — after authentication and authorisation (an unauthenticated caller
/// hears 401 before anyone reads its body): a body in a media type the endpoint does not declare, or sent to an
/// endpoint that takes none, is 415; a declared charset other than UTF-8 is 415; a JSON body (<c>application/json</c>
/// or any <c>+json</c> type) is read whole (within the size limit) and passed through <see cref="StrictJson"/> against
/// the type the endpoint declares, and refused with one 400 problem listing every broken rule. Endpoints added later get
/// the same treatment by declaring what they accept (a typed body parameter, <c>Accepts</c>, or
/// <see cref="AcceptedMediaTypes"/>).
/// </summary>
internal sealed class RequestBodies(RequestDelegate next, IOptions<JsonOptions> json, RequestLimitOptions limits)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var endpoint = http.GetEndpoint();
        if (endpoint is null)
        {
            await next(http);
            return;
        }
        CheckParameters(http);
        if (!HasBody(http.Request))
        {
            await next(http);
            return;
        }
        var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>();
        var declared = (accepts?.ContentTypes ?? []).Concat(endpoint.Metadata.GetMetadata<AcceptedMediaTypes>()?.MediaTypes ?? []).ToList();
        if (declared.Count == 0)
            throw new DomainRuleException(CommonErrors.UnsupportedMediaType, "This operation takes no request body.");
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType) || contentType.MediaType.Value is not { } mediaType)
            throw new DomainRuleException(CommonErrors.UnsupportedMediaType, $"Send Content-Type: {string.Join(" or ", declared)}.");
        if (!declared.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            throw new DomainRuleException(CommonErrors.UnsupportedMediaType, $"{mediaType} is not accepted here; send {string.Join(" or ", declared)}.");
        if (contentType.Charset.HasValue && !contentType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            throw new DomainRuleException(CommonErrors.UnsupportedMediaType, "Send the body as UTF-8 (charset=utf-8, or no charset).");
        if (IsJson(mediaType))
            await CheckJsonAsync(http, accepts?.RequestType);
        await next(http);
    }

    /// <summary>Query and path values are text like any other: printable, and no longer than <see cref="InputText.DefaultMaxLength"/>.</summary>
    private static void CheckParameters(HttpContext http)
    {
        var errors = new FieldErrors();
        foreach (var (name, values) in http.Request.Query)
        {
            if (InputText.Problem(name) is { } nameProblem)
                errors.Add(name, nameProblem.Code, "The query parameter name: " + nameProblem.Message);
            foreach (var value in values)
                CheckValue(errors, name, value);
        }
        foreach (var (name, value) in http.Request.RouteValues)
            CheckValue(errors, name, value as string);
        errors.ThrowIfAny();
    }

    private static void CheckValue(FieldErrors errors, string name, string? value)
    {
        if (value is null)
            return;
        if (InputText.Problem(value) is { } problem)
            errors.Add(name, problem.Code, problem.Message);
        else if (InputText.Length(value) > InputText.DefaultMaxLength)
            errors.Add(name, StrictJson.TooLongCode, $"{name} must be at most {InputText.DefaultMaxLength} characters.");
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    internal static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private async Task CheckJsonAsync(HttpContext http, Type? contract)
    {
        var limit = limits.LimitFor(http.Request);
        using var buffer = new MemoryStream(http.Request.ContentLength is { } length and <= int.MaxValue ? (int)length : 4096);
        // Reading past the size limit throws the 413 problem (RequestLimitsMiddleware set the limit).
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length > limit)
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Length == 0)
            return;
        if (StrictJson.Check(bytes.Span, contract, json.Value.SerializerOptions) is { } refused)
            throw new RequestValidationException(refused.Errors, refused.Error);
        http.Request.Body = new MemoryStream(bytes.ToArray(), writable: false);
    }
}
