using Microsoft.AspNetCore.Http.Features;

namespace FlexRegistry.Shared;

/// <summary>Configuration section <c>Requests</c>.</summary>
public sealed class RequestLimitOptions
{
    /// <summary>Largest JSON body accepted by ordinary endpoints (bulk uploads have their own limit).</summary>
    public long MaxJsonBodyBytes { get; set; } = 1_048_576;
}

/// <summary>
/// Refuses oversized bodies with a 413 problem before anything reads them, whether the size is declared
/// (Content-Length) or discovered while streaming (Kestrel's body-size feature).
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, RequestLimitOptions options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Request.ContentLength > options.MaxJsonBodyBytes)
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = options.MaxJsonBodyBytes;
        http.Response.Headers["X-Request-Id"] = http.TraceIdentifier;
        await next(http);
    }
}
