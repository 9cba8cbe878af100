using System.Net;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Platform;

/// <summary>Every endpoint declares its authorisation; only the documented ones are anonymous.</summary>
public sealed class EndpointAuthorisationTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static readonly HashSet<string> Anonymous =
    [
        "POST /connect/token", "POST /api/v1/participants", "ANY /health/live", "ANY /health/ready",
        "GET /openapi/{documentName}.json", "GET /docs/{documentName?}", "POST /api/v1/owner-access",
        // The public catalogue (seed 002's public member registry): public directory entries and markets only.
        "GET /api/v1/catalogue", "GET /api/v1/catalogue/participants.csv", "GET /api/v1/catalogue/markets.csv",
    ];

    /// <summary>The web pages anyone may open (policy page:anyone); every other page needs a session.</summary>
    private static readonly HashSet<string> PublicPages =
    [
        "/", "/error/{code:int}", "/forbidden", "/register", "/signin", "/signin/two-factor", "/signin/link", "/signin/link/continue",
        "/signin/external/{scheme}", "/signin/external/callback", "/signout", "/account/accept",
    ];

    private static bool IsPage(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is not null;

    private IEnumerable<RouteEndpoint> Pages() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Where(IsPage);

    [Fact]
    public async Task EveryPage_NamesAPagePolicy_AndOnlyThePublicPagesAreOpenToEveryone()
    {
        var pages = Pages().ToList();
        Assert.True(pages.Count >= 25, $"only {pages.Count} pages found");
        var provider = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        foreach (var page in pages)
        {
            var route = "/" + page.RoutePattern.RawText!.Trim('/');
            Assert.Null(page.Metadata.GetMetadata<IAllowAnonymous>());
            var policies = page.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
            var policy = Assert.Single(policies);
            Assert.StartsWith(FlexRegistry.Auth.Policies.PagePrefix, policy, StringComparison.Ordinal);
            Assert.NotNull(await provider.GetPolicyAsync(policy));
            Assert.True((policy == FlexRegistry.Auth.Policies.Anyone) == PublicPages.Contains(route),
                $"{route} has policy {policy}; only the listed public pages may be open to everyone");
        }
        Assert.Empty(PublicPages.Except(pages.Select(p => "/" + p.RoutePattern.RawText!.Trim('/'))));
    }

    private IEnumerable<(string Key, RouteEndpoint Endpoint)> Endpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Where(e => !IsPage(e))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(m => ($"{m} /{e.RoutePattern.RawText!.Trim('/')}", e)));

    [Fact]
    public void EveryEndpoint_DeclaresAPolicyOrIsDeliberatelyAnonymous()
    {
        var endpoints = Endpoints().ToList();
        Assert.NotEmpty(endpoints);
        foreach (var (key, endpoint) in endpoints)
        {
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is not null);
            if (Anonymous.Contains(key) || key.StartsWith("GET /docs", StringComparison.Ordinal))
                Assert.True(anonymous, $"{key} should be explicitly anonymous");
            else
                Assert.True(policy && !anonymous, $"{key} has no named authorisation policy");
        }
    }

    [Fact]
    public async Task EveryProtectedEndpoint_RefusesARequestWithoutAToken()
    {
        using var client = app.Anonymous();
        foreach (var (key, _) in Endpoints().Where(e => !Anonymous.Contains(e.Key) && !e.Key.StartsWith("GET /docs", StringComparison.Ordinal)))
        {
            var space = key.IndexOf(' ', StringComparison.Ordinal);
            var path = key[(space + 1)..].Replace("{id}", FlexRegistry.Participants.ParticipantId.New().Value, StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(key[..space]), path);
            if (key[..space] is "POST" or "PUT" or "PATCH")
                // PATCH takes JSON merge patches; the right media type makes sure the 401 is not masked by a 415.
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, key[..space] == "PATCH" ? "application/merge-patch+json" : "application/json");
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{key} answered {(int)response.StatusCode} without a token");
        }
    }
}
