using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Parser;
using FlexRegistry.Client.Contracts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>A person signed in to the web pages over plain HTTP (cookies kept, redirects not followed), and their organisation.</summary>
public sealed record WebPerson(HttpClient Web, HttpClient Api, string ParticipantId, string UserId, string Email) : IDisposable
{
    public void Dispose()
    {
        Web.Dispose();
        Api.Dispose();
    }
}

/// <summary>
/// Drives the web pages as a browser without script would: GET a page, read its form's antiforgery token, POST the
/// form. People get a session the way real ones do: an invitation accepted with a new local account.
/// </summary>
public static class WebSessions
{
    private static readonly HtmlParser Parser = new();

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HttpClient, CookieContainer> Jars = new();

    /// <summary>A client that keeps cookies (a jar the test can read) and does not follow redirects.</summary>
    public static HttpClient WebClient(this WebApplicationFactory<Program> app, bool https = false)
    {
        var jar = new CookieContainer();
        var client = app.CreateDefaultClient(new Uri(https ? "https://localhost" : "http://localhost"), new CookieContainerHandler(jar));
        Jars.Add(client, jar);
        return client;
    }

    public static CookieContainer Cookies(HttpClient client) =>
        Jars.TryGetValue(client, out var jar) ? jar : throw new InvalidOperationException("Not a client made by WebClient.");

    public static async Task<string> HtmlAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The antiforgery token of the page's first form.</summary>
    public static string AntiforgeryToken(string html) =>
        Parser.ParseDocument(html).QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
        ?? throw new InvalidOperationException("The page has no antiforgery token.");

    /// <summary>GETs <paramref name="page"/> for its token, then POSTs the form to <paramref name="action"/> (default: the page).</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(this HttpClient client, string page, IEnumerable<KeyValuePair<string, string>> fields, string? action = null)
    {
        var token = AntiforgeryToken(await client.HtmlAsync(page));
        return await client.PostAsync(new Uri(action ?? page, UriKind.Relative),
            new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]));
    }

    /// <summary>The texts of the GOV.UK error summary's entries.</summary>
    public static IReadOnlyList<string> ErrorSummary(string html) =>
        [.. Parser.ParseDocument(html).QuerySelectorAll(".govuk-error-summary__list li").Select(li => li.TextContent.Trim())];

    /// <summary>
    /// Registers an organisation (API), invites a person with <paramref name="permissions"/> (default: all its roles
    /// allow) and accepts the invitation in the web pages with a new local account: the person is signed in.
    /// </summary>
    public static async Task<WebPerson> SignedInPersonAsync(this RegistryApp app, string[]? roles = null, string[]? permissions = null)
    {
        using var anonymous = app.Anonymous();
        var registration = TestData.Registration(roles: roles ?? ["fsp"]);
        using var registered = await anonymous.PostAsJsonAsync("/api/v1/participants", registration);
        registered.EnsureSuccessStatusCode();
        var org = (await registered.Content.ReadFromJsonAsync<RegisterParticipantResponse>())!;
        var api = await app.AuthenticatedAsync(org.ApiClient.ClientId, org.ApiClient.ClientSecret!);
        var email = $"person{Guid.NewGuid():N}"[..20] + "@flex.example";
        var person = await api.InviteAndAcceptAsync(app, org.ParticipantId, email, permissions);
        return person with { Api = api };
    }

    /// <summary>As <see cref="SignedInPersonAsync"/>, for an organisation the registry operator has verified (active).</summary>
    public static async Task<WebPerson> ActivePersonAsync(this RegistryApp app, params string[] roles)
    {
        var (org, api) = await app.RegisterActiveAsync(TestData.Registration(roles: roles));
        var person = await api.InviteAndAcceptAsync(app, org.ParticipantId, $"person{Guid.NewGuid():N}"[..20] + "@flex.example");
        return person with { Api = api };
    }

    /// <summary>
    /// A person of the registry operator with every permission, invited on an approved email domain and signed in with
    /// a password alone: no authenticator yet, so registry-operator pages still refuse them. <see cref="WebPerson.Api"/>
    /// is the registry operator's API client.
    /// </summary>
    public static async Task<WebPerson> RegistryOperatorInviteeAsync(this RegistryApp app)
    {
        var op = await app.OperatorAsync();
        var token = await app.TokenAsync(FlexRegistry.Auth.ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        var operatorId = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).GetClaim("participant_id").Value;
        var domain = "ops" + Guid.NewGuid().ToString("N")[..6] + ".example";
        (await op.PostAsJsonAsync($"/api/v1/participants/{operatorId}/email-domains", new ApproveEmailDomainRequest { Domain = domain })).EnsureSuccessStatusCode();
        var person = await op.InviteAndAcceptAsync(app, operatorId, "olivia@" + domain, [.. FlexRegistry.Auth.Scopes.All]);
        return person with { Api = op };
    }

    /// <summary>
    /// A person of the registry operator with every permission, signed in with a password and their authenticator set
    /// up (registry-operator pages need the second factor).
    /// </summary>
    public static async Task<WebPerson> RegistryOperatorPersonAsync(this RegistryApp app)
    {
        var person = await app.RegistryOperatorInviteeAsync();
        var key = Parser.ParseDocument(await person.Web.HtmlAsync("/account/two-factor")).QuerySelector("#authenticator-key")!.TextContent;
        using var set = await person.Web.SubmitAsync("/account/two-factor", [new("code", Totp.Code(key))]);
        Assert.True(set.StatusCode == HttpStatusCode.Redirect, $"setting up the authenticator answered {(int)set.StatusCode}");
        return person;
    }

    /// <summary>Invites <paramref name="email"/> through the API and accepts in the web pages with a local account.</summary>
    public static async Task<WebPerson> InviteAndAcceptAsync(this HttpClient api, WebApplicationFactory<Program> app, string participantId, string email, string[]? permissions = null)
    {
        permissions ??= await AllowedAsync(api, participantId);
        using var invited = await api.PostAsJsonAsync($"/api/v1/participants/{participantId}/users",
            new InviteUserRequest { Email = email, Name = "Pat Person", Permissions = permissions });
        Assert.True(invited.IsSuccessStatusCode, await invited.Content.ReadAsStringAsync());
        var invitation = (await invited.Content.ReadFromJsonAsync<InviteUserResponse>())!;
        var web = app.WebClient();
        using var accepted = await web.SubmitAsync($"/account/accept?token={Uri.EscapeDataString(invitation.InvitationToken)}",
            [new("token", invitation.InvitationToken), new("password", "correct horse battery staple"), new("confirmPassword", "correct horse battery staple")],
            "/account/accept");
        Assert.True(accepted.StatusCode == HttpStatusCode.Redirect, $"accepting answered {(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
        return new WebPerson(web, api, participantId, invitation.UserId, email);
    }

    private static async Task<string[]> AllowedAsync(HttpClient api, string participantId)
    {
        var me = await api.GetFromJsonAsync<ParticipantResponse>($"/api/v1/participants/{participantId}");
        return [.. FlexRegistry.Auth.Scopes.AllowedFor(me!.Roles)];
    }
}
