using FlexRegistry.Auth.People;
using FlexRegistry.Shared;

namespace FlexRegistry.Pages;

/// <summary>
/// The web UI: server-rendered Razor Pages at <c>/</c>, styled with GOV.UK Frontend (compiled into wwwroot), served by
/// the same process as the API. Antiforgery tokens on every form (Razor Pages validate them on every POST), a
/// Content-Security-Policy without <c>unsafe-inline</c>, and HTML error pages for web requests.
/// </summary>
public static class WebSetup
{
    /// <summary>Every page and static file of the web UI gets this policy; nothing inline, nothing from elsewhere.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public static IServiceCollection AddRegistryWeb(this IServiceCollection services, bool requireHttps)
    {
        services.AddRazorPages();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "flexreg.af";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = requireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.HeaderName = "X-CSRF-TOKEN";
        });
        return services;
    }

    /// <summary>Security headers, error handling (HTML pages for the web, problem details for the API) and static files; call first.</summary>
    public static IApplicationBuilder UseRegistryWebHeaders(this IApplicationBuilder app)
    {
        app.Use((http, next) =>
        {
            var path = http.Request.Path;
            if (PeopleSignIn.IsWebRequest(path) && !path.StartsWithSegments("/docs"))
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                // Sign-in links and invitations carry tokens in the URL: never send it on to another site. (Not no-referrer:
                // browsers then send "Origin: null" on the site's own form posts, which passkey checks refuse.)
                headers["Referrer-Policy"] = "same-origin";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                if (!IsStaticFile(path))
                {
                    headers.CacheControl = "no-cache, no-store";
                    headers.Pragma = "no-cache";
                }
            }
            return next(http);
        });
        // Web pages answer errors with HTML pages; everything else (the API) with problem details.
        app.UseWhen(IsWebPage, web =>
        {
            web.UseExceptionHandler("/error/500");
            web.UseStatusCodePagesWithReExecute("/error/{0}");
        });
        app.UseWhen(http => !IsWebPage(http), api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseStaticFiles();
        return app;
    }

    /// <summary>
    /// The pages, each taking the bodies an HTML form sends (urlencoded, or multipart for a file): the declaration the
    /// request-body check holds every body to, as the API's endpoints declare JSON. A page marked
    /// <see cref="AnonymousLimitedAttribute"/> spends from the same per-address window as the API's anonymous endpoints.
    /// </summary>
    public static IEndpointConventionBuilder MapRegistryPages(this IEndpointRouteBuilder endpoints)
    {
        var pages = endpoints.MapRazorPages().WithMetadata(new AcceptedMediaTypes("application/x-www-form-urlencoded", "multipart/form-data"));
        pages.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<AnonymousLimitedAttribute>().Any())
                endpoint.Metadata.Add(AnonymousLimit.Instance);
        });
        return pages;
    }

    private static bool IsWebPage(HttpContext http) =>
        PeopleSignIn.IsWebRequest(http.Request.Path) && !http.Request.Path.StartsWithSegments("/docs") && !IsStaticFile(http.Request.Path);

    public static bool IsStaticFile(PathString path) =>
        path.StartsWithSegments("/css") || path.StartsWithSegments("/js") || path.StartsWithSegments("/assets");
}
