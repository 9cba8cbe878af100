using Microsoft.AspNetCore.Http.Features;

namespace FlexRegistry.Shared;

/// <summary>Configuration section <c>Requests</c>.</summary>
public sealed class RequestLimitOptions
{
    /// <summary>Largest JSON body accepted by ordinary endpoints (bulk uploads have their own limit).</summary>
    public long MaxJsonBodyBytes { get; set; } = 1_048_576;

    /// <summary>Bulk upload paths (POST, exact path) and their own, larger limits; set by the features that own them.</summary>
    public Dictionary<string, long> Uploads { get; } = new(StringComparer.OrdinalIgnoreCase);

    public long LimitFor(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && Uploads.TryGetValue(request.Path.Value?.TrimEnd('/') ?? "", out var limit) ? limit : MaxJsonBodyBytes;
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
        if (http.Request.ContentLength > limit)
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = limit;
        http.Response.Headers["X-Request-Id"] = http.TraceIdentifier;
        await next(http);
    }
}
