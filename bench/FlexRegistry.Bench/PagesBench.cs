using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using FlexRegistry.Client;
using FlexRegistry.Client.Contracts;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FlexRegistry.Bench;

/// <summary>
/// Benchmark (pages, issue 20): server time per web page for a signed-in person, beside a bare static page served by
/// the bench's bare host in the same run. The person belongs to a verified system operator (it reads every asset's
/// public groups, so the search pages run over the whole register) and signs in the way people do: an invitation
/// accepted in the page with a local account, the session cookie kept. Each page is driven closed loop at low
/// concurrency (latency ≈ server time, not queueing); the figure is p99 and its ratio to the bare page's p99.
/// A second person, of the organisation that registered the loaded assets (invited by the registry operator), views the
/// dashboard and the search page too: their chart counts every loaded asset (the shared count of <c>AssetsByArea</c>).
/// A third, of the registry operator (its accounts need an authenticator code), views its dashboard (the whole
/// register), the asset search, and its work queues: participants, the audit log, duplicates.
/// </summary>
public static partial class PagesBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var duration = TimeSpan.FromSeconds(args.Number("duration", 15));
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 5));
        var concurrency = args.Count("concurrency", 4);
        var ids = await ReadsBench.SampleIdsAsync(args.Require("provider"), args.Require("connection"), args.Count("ids", 10_000));
        var url = new Uri(args.Require("url"));
        var operatorSecret = args.Require("operator-secret");
        using var http = WebClient(url);
        var (registration, token) = await Registry.VerifiedSystemOperatorAsync(http, operatorSecret);
        await SignInAsync(http, registration.ParticipantId, token, "dso.example", ReaderPermissions);
        // The registrant of the loaded assets: its people see all of them (the registry operator may invite them).
        using var registrantHttp = WebClient(url);
        var registrant = await RegistrantOfAsync(args.Require("provider"), args.Require("connection"), ids[0]);
        var operatorToken = await Registry.TokenAsync(http, "registry-operator", operatorSecret);
        await SignInAsync(registrantHttp, registrant, operatorToken, "flex.example", ReaderPermissions);
        // A person of the registry operator: every permission, and the authenticator code its accounts need.
        using var operatorHttp = WebClient(url);
        await SignInAsOperatorAsync(operatorHttp, operatorToken);

        (string Name, HttpClient Client, Func<long, string> Path)[] pages =
        [
            ("dashboard", http, _ => "dashboard"),
            ("asset-search", http, i => $"assets?purpose=procurement&dnoArea={10 + (i % 14)}"),
            ("asset", http, i => $"assets/{ids[i % ids.Length]}?purpose=procurement"),
            ("directory", http, _ => "directory"),
            ("products", http, _ => "products"),
            ("conflicts", http, _ => "conflicts"),
            ("access-log", http, _ => "organisation/access-log"),
            ("registrant-dashboard", registrantHttp, _ => "dashboard"),
            ("registrant-asset-search", registrantHttp, i => $"assets?dnoArea={10 + (i % 14)}"),
            ("operator-dashboard", operatorHttp, _ => "dashboard"),
            ("operator-asset-search", operatorHttp, i => $"assets?purpose=registry-administration&dnoArea={10 + (i % 14)}"),
            ("operator-participants", operatorHttp, _ => "operator/participants"),
            ("operator-audit", operatorHttp, _ => "operator/audit"),
            ("operator-duplicates", operatorHttp, _ => "duplicates"),
        ];
        using var bareHttp = Registry.Http(new Uri(args.Require("bare-url")));
        var bare = await LoadGenerator.SaturateAsync(bareHttp, _ => new HttpRequestMessage(HttpMethod.Get, "bare/page"), concurrency, duration, warmup);
        Report("bare-page", bare, null);
        var failed = false;
        foreach (var (name, client, path) in pages)
        {
            var result = await LoadGenerator.SaturateAsync(client, i => new HttpRequestMessage(HttpMethod.Get, path(i)), concurrency, duration, warmup);
            Report(name, result, bare.Latencies.Percentile(99));
            failed |= result.Errors > 0 || result.Conflicts > 0;
        }
        return failed ? 2 : 0;
    }

    private static void Report(string target, LoadResult result, double? bareP99)
    {
        Console.WriteLine($"{target}: {result}");
        var p99 = result.Latencies.Percentile(99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target={target} ok_per_s={result.OkPerSecond:F0} p50_ms={result.Latencies.Percentile(50):F2} p99_ms={p99:F2} errors={result.Errors + result.Conflicts}{(bareP99 is { } b ? $" ratio_to_bare_p99={p99 / b:F1}" : "")}"));
    }

    /// <summary>A client keeping one person's session cookie, following no redirects.</summary>
    private static HttpClient WebClient(Uri url) =>
        new(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, MaxConnectionsPerServer = 64 })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>The participant that registered the asset (the loader registered them all).</summary>
    private static async Task<string> RegistrantOfAsync(string provider, string connection, string assetId)
    {
        const string Sql = "SELECT \"RegistrantId\" FROM assets WHERE \"Id\" = @id";
        if (provider == "postgres")
        {
            await using var source = NpgsqlDataSource.Create(connection);
            await using var command = source.CreateCommand(Sql);
            command.Parameters.AddWithValue("id", assetId);
            return (string)(await command.ExecuteScalarAsync())!;
        }
        await using var db = new SqliteConnection(connection);
        await db.OpenAsync();
        await using var query = db.CreateCommand();
        query.CommandText = Sql;
        query.Parameters.AddWithValue("@id", assetId);
        return (string)(await query.ExecuteScalarAsync())!;
    }

    private static readonly string[] ReaderPermissions = ["participants:read", "assets:read"];

    /// <summary>
    /// A person of the registry operator (the participant of <paramref name="operatorToken"/>) with every permission, on an
    /// email domain the operator approves for itself, signed in with a local account and its authenticator set up (a code
    /// computed from the key the page shows, as an app does); <paramref name="http"/> then holds the session cookie.
    /// </summary>
    private static async Task SignInAsOperatorAsync(HttpClient http, string operatorToken)
    {
        var operatorId = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(operatorToken).GetClaim("participant_id").Value;
        var domain = $"ops{Guid.NewGuid():N}"[..9] + ".example";
        using var approve = new HttpRequestMessage(HttpMethod.Post, $"api/v1/participants/{operatorId}/email-domains")
        {
            Content = JsonContent.Create(new ApproveEmailDomainRequest { Domain = domain }, options: FlexRegistryClient.Json),
        };
        approve.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);
        using (var approved = await http.SendAsync(approve))
        {
            if (!approved.IsSuccessStatusCode)
                throw new InvalidOperationException($"approving {domain} failed: {(int)approved.StatusCode} {await approved.Content.ReadAsStringAsync()}");
        }
        await SignInAsync(http, operatorId, operatorToken, domain, [.. FlexRegistry.Auth.Scopes.All]);
        var setup = await http.GetStringAsync("account/two-factor");
        var key = AuthenticatorKey().Match(setup) is { Success: true } k ? WebUtility.HtmlDecode(k.Groups[1].Value)
            : throw new InvalidOperationException("The two-factor page shows no authenticator key.");
        using var confirmed = await http.PostAsync("account/two-factor", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = FlexRegistry.Tests.Infrastructure.Totp.Code(key),
            ["__RequestVerificationToken"] = AntiforgeryOf(setup),
        }));
        if (confirmed.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"the authenticator code was refused: {(int)confirmed.StatusCode}");
        using var queue = await http.GetAsync("operator/participants");
        if (queue.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"the registry operator's person cannot open its queue: {(int)queue.StatusCode}");
    }

    /// <summary>
    /// A person of <paramref name="participantId"/> with <paramref name="permissions"/>: invited over the API with
    /// <paramref name="token"/> (the organisation's or the registry operator's), the invitation accepted in the page
    /// (antiforgery token and all); <paramref name="http"/> then holds the session cookie.
    /// </summary>
    private static async Task SignInAsync(HttpClient http, string participantId, string token, string emailDomain, string[] permissions)
    {
        var email = $"bench.person.{Guid.NewGuid():N}"[..24] + "@" + emailDomain;
        using var invite = new HttpRequestMessage(HttpMethod.Post, $"api/v1/participants/{participantId}/users")
        {
            Content = JsonContent.Create(new InviteUserRequest { Email = email, Name = "Bench Person", Permissions = permissions },
                options: FlexRegistryClient.Json),
        };
        invite.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var invited = await http.SendAsync(invite);
        if (!invited.IsSuccessStatusCode)
            throw new InvalidOperationException($"invitation failed: {(int)invited.StatusCode} {await invited.Content.ReadAsStringAsync()}");
        var invitation = (await invited.Content.ReadFromJsonAsync<InviteUserResponse>(FlexRegistryClient.Json))!;
        var acceptPath = $"account/accept?token={Uri.EscapeDataString(invitation.InvitationToken)}";
        var form = await http.GetStringAsync(acceptPath);
        var antiforgery = AntiforgeryOf(form);
        const string Password = "bench password that is long enough";
        using var accepted = await http.PostAsync("account/accept", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = invitation.InvitationToken,
            ["password"] = Password,
            ["confirmPassword"] = Password,
            ["__RequestVerificationToken"] = antiforgery,
        }));
        if (accepted.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"accepting the invitation answered {(int)accepted.StatusCode}; run the register with Auth__RequireHttps=false over plain HTTP");
        // A registry operator's person is sent to set up its authenticator first (SignInAsOperatorAsync goes on from there).
        if (accepted.Headers.Location?.OriginalString.Contains("two-factor", StringComparison.Ordinal) == true)
            return;
        using var dashboard = await http.GetAsync("dashboard");
        if (dashboard.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"the signed-in person's dashboard answered {(int)dashboard.StatusCode}");
    }

    private static string AntiforgeryOf(string form) =>
        Antiforgery().Match(form) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("The page has no antiforgery token.");

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [GeneratedRegex("id=\"authenticator-key\">([^<]+)<")]
    private static partial Regex AuthenticatorKey();
}
