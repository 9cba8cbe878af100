using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Template;

namespace FlexRegistry.Shared;

/// <summary>Configuration section <c>Requests</c>.</summary>
public sealed class RequestLimitOptions
{
    /// <summary>Largest JSON body accepted by ordinary endpoints (bulk uploads have their own limit).</summary>
    public long MaxJsonBodyBytes { get; set; } = 1_048_576;

    /// <summary>Bulk upload paths (POST, exact path) and their own, larger limits; set by the features that own them.</summary>
    public Dictionary<string, long> Uploads { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Web pages whose form uploads a file (POST to a route template), each with its own limit: a person whose file is over
    /// it is sent back to the page, which shows the GOV.UK error summary, instead of getting a bare 413 problem.
    /// </summary>
    public List<PageUpload> PageUploads { get; } = [];

    /// <summary>
    /// The largest over-limit page upload that is read to its end (and dropped) so that the browser, still sending, gets the
    /// page back; a larger one is refused with the 413 problem as it arrives.
    /// </summary>
    public long MaxDrainedPageUploadBytes { get; set; } = 64L * 1024 * 1024;

    public PageUpload? PageUploadFor(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) ? PageUploads.FirstOrDefault(u => u.Matches(request.Path)) : null;

    public long LimitFor(HttpRequest request) =>
        PageUploadFor(request)?.Limit
        ?? (HttpMethods.IsPost(request.Method) && Uploads.TryGetValue(request.Path.Value?.TrimEnd('/') ?? "", out var limit) ? limit : MaxJsonBodyBytes);
}

/// <summary>A page's file-upload form: its route (a template, e.g. <c>onboardings/{id}/requests/{requestId}</c>) and body limit.</summary>
public sealed class PageUpload(string template, long limit)
{
    /// <summary>The query parameter the page is sent back with when the file was over the limit.</summary>
    public const string TooLargeParameter = "tooLarge";

    private readonly TemplateMatcher _matcher = new(TemplateParser.Parse(template), new RouteValueDictionary());

    public long Limit { get; } = limit;

    public bool Matches(PathString path) => _matcher.TryMatch(path, new RouteValueDictionary());
}

/// <summary>
/// Refuses oversized bodies with a 413 problem before anything reads them, whether the size is declared
/// (Content-Length) or discovered while streaming (Kestrel's body-size feature).
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, RequestLimitOptions options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var limit = options.LimitFor(http.Request);
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (http.Request.ContentLength is { } length && length > limit)
        {
            if (options.PageUploadFor(http.Request) is not null && length <= options.MaxDrainedPageUploadBytes && sizeFeature is not { IsReadOnly: true })
            {
                // A person's file over the page's limit: read the body to its end and drop it (a browser still sending would
                // not see an early answer), then send them back to the page, which shows the error summary. Nothing is stored.
                if (sizeFeature is not null)
                    sizeFeature.MaxRequestBodySize = length;
                await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
                http.Response.StatusCode = StatusCodes.Status303SeeOther;
                http.Response.Headers.Location = $"{http.Request.PathBase}{http.Request.Path}?{PageUpload.TooLargeParameter}=1";
                return;
            }
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        }
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = limit;
        http.Response.Headers["X-Request-Id"] = http.TraceIdentifier;
        await next(http);
    }
}
