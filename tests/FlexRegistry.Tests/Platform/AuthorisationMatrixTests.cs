using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Market;
using FlexRegistry.Tests.Onboarding;
using FlexRegistry.Tests.Participants;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Platform;

/// <summary>
/// The object-level authorisation matrix (issue 3): every endpoint × every kind of caller × {the caller's own record,
/// another organisation's record, a missing record} → the expected status. Participant A owns the records; B is another
/// FSP (same role), M a market operator (another role), O the registry operator, S an FSP the operator suspended, and P a
/// person signed in at a trusted external identity provider with an identity no user holds (yet). So "own" is A's cell,
/// "another's" is B's and M's cells on A's record, and "missing" is every caller on an unknown ID. Where the action
/// consumes its object (a suspension, a removal, a revocation) every cell gets a fresh one of A's.
/// The matrix has one row per endpoint in the routing table; an endpoint without a row fails the test, so a new
/// endpoint cannot ship without its expected answers.
/// </summary>
public abstract class AuthorisationMatrixTests(RegistryApp app, FakeOidcIssuer idp)
{
    public enum Who { Anonymous, Own, SameRole, OtherRole, Operator, Suspended, Person }

    /// <summary>
    /// A's record, a missing one, or (for a participant's sub-resources: clients, users, domains, interests, grants)
    /// another participant's sub-resource addressed under A's ID, which must answer exactly as a missing one.
    /// </summary>
    public enum Target { Existing, Missing, Foreign }

    private static readonly string[] Deliberate =
    [
        "POST /connect/token", "POST /api/v1/participants", "ANY /health/live", "ANY /health/ready", "GET /openapi/{documentName}.json",
        // Anonymous by design, for a householder proving control of an asset; its answers are tested in OwnerViewTests.
        "POST /api/v1/owner-access",
        // The public catalogue: anonymous by design, the same for every caller; PublicCatalogueTests checks it holds nothing
        // the visibility rule withholds from other participants.
        "GET /api/v1/catalogue", "GET /api/v1/catalogue/participants.csv", "GET /api/v1/catalogue/markets.csv",
    ];

    /// <summary>A's records, everybody's clients, and fresh objects of A's for the cells whose action consumes one.</summary>
    private sealed class World(RegistryApp app, Dictionary<Who, HttpClient> clients, string a, string marketOperator, string issuer, string personEmail)
    {
        public Dictionary<Who, HttpClient> Clients => clients;
        public string A => a;

        /// <summary>The market operator M (the other-role caller).</summary>
        public string M => marketOperator;

        /// <summary>The external issuer the register trusts, and the email the person P signs in with (at A's domain).</summary>
        public string Issuer => issuer;
        public string PersonEmail => personEmail;

        public string AssetId { get; private set; } = "";

        /// <summary>The MPAN of A's standing asset: the evidence an installer's claim names.</summary>
        public string AssetMpan { get; private set; } = "";
        public string SubscriptionId { get; private set; } = "";
        public string CaseId { get; private set; } = "";
        public string ImportId { get; private set; } = "";

        /// <summary>The leaf index of one of A's audit records.</summary>
        public string AuditLeaf { get; private set; } = "";
        /// <summary>
        /// The market's standing records: X, a system operator outside the callers, owns two products that are not
        /// stackable; A's portfolio holds A's asset and is contracted to X for both, so the asset is in a conflict of A's
        /// and X's; A operates the asset for DSO services.
        /// </summary>
        public HttpClient X { get; private set; } = null!;
        public string ProductId { get; private set; } = "";
        public string OtherProductId { get; private set; } = "";
        public string PortfolioId { get; private set; } = "";
        public string MarketAssetId { get; private set; } = "";
        public string ClaimId { get; private set; } = "";
        public string ContractId { get; private set; } = "";
        public string ConflictId { get; private set; } = "";

        /// <summary>X's market (it names the contacts section), A's onboarding to it, and a document request of X's that A has answered.</summary>
        public string MarketId { get; private set; } = "";
        public string OnboardingId { get; private set; } = "";
        public string DocumentRequestId { get; private set; } = "";

        /// <summary>The same helpers for B (the same-role caller), whose sub-resources the Foreign cells address under A's ID.</summary>
        public World Other { get; set; } = null!;

        /// <summary>A's standing records, which the rows read but do not consume.</summary>
        public async Task MakeStandingRecordsAsync()
        {
            using (var commercial = await Own.PutAsJsonAsync($"/api/v1/participants/{a}/commercial-information", CommercialInformationTests.ValidForFsp()))
                await commercial.ShouldHave(HttpStatusCode.OK);
            var asset = TestData.Chargepoint();
            AssetMpan = asset.Mpan!;
            using (var registered = await Own.PostAsJsonAsync("/api/v1/assets", asset))
                AssetId = (await registered.Read<RegisterAssetResponse>(HttpStatusCode.Created)).AssetId;
            SubscriptionId = await FreshSubscription();
            CaseId = await FreshCase();
            using var file = ImportFile();
            using var imported = await Own.PostAsync("/api/v1/asset-imports", file);
            ImportId = (await imported.Read<AssetImportStatus>(HttpStatusCode.Accepted)).ImportId;
            using var audit = await Own.GetAsync($"/api/v1/audit?resource={a}");
            AuditLeaf = (await audit.Read<Page<AuditRecordResponse>>()).Items[0].LeafIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);

            X = (await app.RegisterActiveAsync(TestData.Registration(roles: "system-operator"))).Client;
            ProductId = await X.DefineProductAsync("dso-secure", MarketTestData.WinterPeak);
            OtherProductId = await X.DefineProductAsync("neso-quick-reserve", MarketTestData.EveningAllYear);
            PortfolioId = await Own.RegisterPortfolioAsync();
            MarketAssetId = await FreshAsset();
            await Own.AddMembersAsync(PortfolioId, (MarketAssetId, null));
            ClaimId = await FreshClaim();
            ContractId = await FreshActiveContract();
            await MarketTestData.ContractAsync(Own, X, PortfolioId, OtherProductId);
            ConflictId = Assert.Single(await Own.ConflictsAsync($"?asset={MarketAssetId}")).ConflictId;

            MarketId = await FreshMarket();
            OnboardingId = (await Own.ApplyAsync(MarketId)).OnboardingId;
            DocumentRequestId = await FreshRequest("document");
            using var uploaded = await Own.UploadAsync(OnboardingId, DocumentRequestId, OnboardingTestData.Pdf, "application/pdf");
            await uploaded.ShouldHave(HttpStatusCode.OK);
        }

        public async Task<string> FreshMarket() => (await X.PublishAsync(OnboardingTestData.Market(sections: ["commercial-information.contacts"]))).MarketId;

        /// <summary>X asks A for something in A's onboarding: an open request for A to answer.</summary>
        public async Task<string> FreshRequest(string kind) =>
            (await X.RaiseAsync(OnboardingId, kind, "Matrix", kind == "document" ? "insurance-certificate" : null)).RequestId;

        public async Task<string> FreshAsset() => (await Own.RegisterChargepointAsync()).AssetId;

        /// <summary>A's claim for DSO services on a fresh asset of A's.</summary>
        public async Task<string> FreshClaim()
        {
            using var response = await Own.PostAsJsonAsync("/api/v1/operator-claims",
                MarketTestData.Claim(await FreshAsset(), "dso-flexibility", MarketTestData.Now.AddMinutes(-1)));
            return (await response.Read<ClaimAcceptedResponse>(HttpStatusCode.Created)).Claim.ClaimId;
        }

        /// <summary>X proposes a contract to A's portfolio: A's to accept or decline.</summary>
        public async Task<string> FreshProposal() => (await X.ProposeAsync(MarketTestData.Contract(PortfolioId, ProductId))).Contract.ContractId;

        public async Task<string> FreshActiveContract() => (await Own.AcceptAsync(await FreshProposal())).Contract.ContractId;

        /// <summary>A fresh asset of A's joins the portfolio, and so the conflict of its two contracts.</summary>
        public async Task<string> FreshConflict()
        {
            var asset = await FreshAsset();
            await Own.AddMembersAsync(PortfolioId, (asset, null));
            return (await Own.ConflictsAsync($"?asset={asset}"))[0].ConflictId;
        }

        private HttpClient Own => Clients[Who.Own];
        private HttpClient Op => Clients[Who.Operator];

        public async Task<string> FreshClient()
        {
            using var response = await Own.PostAsJsonAsync($"/api/v1/participants/{a}/clients",
                new CreateApiClientRequest { Name = "Matrix target", Permissions = ["participants:read"] });
            return (await response.Read<CreateApiClientResponse>(HttpStatusCode.Created)).ClientId;
        }

        public async Task<string> FreshSuspendedClient()
        {
            var id = await FreshClient();
            await PostOkAsync(Own, $"/api/v1/participants/{a}/clients/{id}/suspend", null);
            return id;
        }

        public async Task<string> FreshSubscription()
        {
            using var response = await Own.PostAsJsonAsync("/api/v1/subscriptions",
                new CreateSubscriptionRequest { Url = "http://127.0.0.1:9/hook", Types = ["flexregistry.asset.updated"] });
            return (await response.Read<SubscriptionSecretResponse>(HttpStatusCode.Created)).Id;
        }

        /// <summary>A registers a chargepoint and then a near duplicate of it (same meter point, a mistyped serial): a case with A as its party.</summary>
        public async Task<string> FreshCase()
        {
            var original = TestData.Chargepoint();
            using (var first = await Own.PostAsJsonAsync("/api/v1/assets", original))
                await first.ShouldHave(HttpStatusCode.Created);
            var near = TestData.NearDuplicateOf(original);
            using var second = await Own.PostAsJsonAsync("/api/v1/assets", near);
            return (await second.Read<RegisterAssetResponse>(HttpStatusCode.Created)).DuplicateCaseId
                ?? throw new InvalidOperationException("The near duplicate opened no case.");
        }

        /// <summary>An active installer (not A) with its client.</summary>
        public async Task<(string Id, HttpClient Client)> FreshInstaller()
        {
            var (registration, client) = await app.RegisterActiveAsync(TestData.Registration(roles: "installer"));
            return (registration.ParticipantId, client);
        }

        /// <summary>A fresh installer's claim on A's standing asset (naming its MPAN); <paramref name="accepted"/>: A accepts it.</summary>
        public async Task<string> FreshPartyClaim(bool accepted = false)
        {
            var (_, installer) = await FreshInstaller();
            using (installer)
            {
                using var claimed = await installer.PostAsJsonAsync($"/api/v1/assets/{AssetId}/parties",
                    new AssetPartyRequest { Role = "installer", Evidence = AssetMpan }, ApiExtensions.Json);
                var partyId = (await claimed.Read<AssetPartyResponse>(HttpStatusCode.Created)).PartyId!;
                if (accepted)
                    await PostOkAsync(Own, $"/api/v1/assets/{AssetId}/parties/{partyId}/accept", Json(new AcceptAssetPartyRequest()));
                return partyId;
            }
        }

        /// <summary>The current ETag of the asset a path names (read by the operator), or a well-formed one of no version when it has none.</summary>
        public async Task<string> ETagOf(string path)
        {
            var id = path.Split('/')[4];
            using var response = await Op.GetAsync($"/api/v1/assets/{id}");
            return response.Headers.ETag?.Tag ?? $"\"{Guid.NewGuid():N}\"";
        }

        /// <summary>A participant (not A) in the given state, for the operator's status actions.</summary>
        public async Task<string> FreshParticipantFor(string state)
        {
            if (state == "provisional")
                return (await app.RegisterOnlyAsync()).ParticipantId;
            var (registration, client) = await app.RegisterActiveAsync();
            client.Dispose();
            if (state == "suspended")
                await PostOkAsync(Op, $"/api/v1/participants/{registration.ParticipantId}/suspend", Json(new StatusActionRequest { Reason = "Set-up" }));
            return registration.ParticipantId;
        }

        /// <summary>An active market operator that A has no interest in and no grant to yet.</summary>
        public async Task<string> FreshMarketOperator()
        {
            var (registration, client) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
            client.Dispose();
            return registration.ParticipantId;
        }

        /// <summary>A user A invited (at A's domain); <paramref name="suspended"/> suspends it straight away.</summary>
        public async Task<string> FreshUser(bool suspended = false)
        {
            var userId = (await InviteAsync($"matrix.{Guid.NewGuid():N}@flex.example")).UserId;
            if (suspended)
                await PostOkAsync(Own, $"/api/v1/participants/{a}/users/{userId}/suspend", null);
            return userId;
        }

        /// <summary>A fresh invitation of the person P: the token only P can accept, once.</summary>
        public async Task<string> FreshInvitation() => (await InviteAsync(PersonEmail)).InvitationToken;

        public async Task<string> FreshEmailDomain()
        {
            using var response = await Op.PostAsJsonAsync($"/api/v1/participants/{a}/email-domains", new ApproveEmailDomainRequest { Domain = NewDomain() });
            return (await response.Read<EmailDomainResponse>(HttpStatusCode.Created)).Domain;
        }

        public async Task<string> FreshInterest()
        {
            using var response = await Own.PostAsJsonAsync($"/api/v1/participants/{a}/market-interests",
                new ExpressInterestRequest { MarketOperatorId = await FreshMarketOperator() });
            return (await response.Read<MarketInterestResponse>(HttpStatusCode.Created)).InterestId;
        }

        public async Task<string> FreshGrant()
        {
            using var response = await Own.PostAsJsonAsync($"/api/v1/participants/{a}/data-sharing-grants", Grant(await FreshMarketOperator()));
            return (await response.Read<GrantResponse>(HttpStatusCode.Created)).GrantId;
        }

        private async Task<InviteUserResponse> InviteAsync(string email)
        {
            using var response = await Own.PostAsJsonAsync($"/api/v1/participants/{a}/users",
                new InviteUserRequest { Email = email, Name = "Matrix Invitee", Permissions = ["participants:read"] });
            return await response.Read<InviteUserResponse>(HttpStatusCode.Created);
        }

        private static async Task PostOkAsync(HttpClient client, string path, HttpContent? body)
        {
            using var content = body;
            using var response = await client.PostAsync(path, content);
            await response.ShouldHave(HttpStatusCode.OK);
        }
    }

    /// <summary>
    /// One row: how to address A's record (or a missing one), what to send, and what each caller should get.
    /// <paramref name="MissingCode"/> is the problem code of a missing record (default: one ending in not_found).
    /// </summary>
    private sealed record Row(
        string Route,
        Func<World, Target, Task<string>> Path,
        Func<World, Target, Task<HttpContent>>? Body,
        Func<Who, Target, HttpStatusCode> Expected,
        Func<World, string>? MustNotShowToOthers = null,
        string? IfMatch = null,
        string? MissingCode = null,
        Who[]? MayShowTo = null,
        bool IfMatchCurrent = false);

    private static readonly string MissingParticipant = FlexRegistry.Participants.ParticipantId.New().Value;

    private static readonly string MissingAsset = FlexRegistry.Assets.AssetId.New(FlexRegistry.Assets.AssetType.Find("ev-chargepoint")!).Value;

    private static readonly string MissingPortfolio = FlexRegistry.Assets.AssetId.New(FlexRegistry.Assets.AssetType.Find("portfolio")!).Value;

    private static JsonContent Json<T>(T value) => JsonContent.Create(value, options: ApiExtensions.Json);

    /// <summary>The same kind of body for every cell (made anew for each, so that fresh values such as IDs stay fresh).</summary>
    private static Func<World, Target, Task<HttpContent>> Send(Func<HttpContent> body) => (_, _) => Task.FromResult(body());

    private static StringContent MergePatch(string json) => new StringContent(json, Encoding.UTF8, "application/merge-patch+json");

    private static string NewDomain() => $"m{Guid.NewGuid():N}.example";

    private static GiveGrantRequest Grant(string grantee) => new()
    {
        GranteeParticipantId = grantee,
        Part = "commercial-information.contacts",
        Purpose = "onboarding",
        ExpiresAt = TimeProvider.System.GetUtcNow().AddDays(30),
    };

    /// <summary>A one-row NDJSON import file.</summary>
    private static StringContent ImportFile() =>
        new(JsonSerializer.Serialize(TestData.Chargepoint(), ApiExtensions.Json) + "\n", Encoding.UTF8, "application/x-ndjson");

    private static JsonElement NewJwks()
    {
        using var keys = ClientKeys.EcP256();
        return keys.Jwks();
    }

    private static HttpStatusCode S(int code) => (HttpStatusCode)code;

    /// <summary>Anyone with a live token of an active participant gets <paramref name="ok"/>; records do not enter into it.</summary>
    private static Func<Who, Target, HttpStatusCode> AnyParticipant(int ok) => (who, _) => Gate(who) ?? S(ok);

    /// <summary>Only those holding <paramref name="allowed"/> roles pass; the rest are refused before any record is looked up.</summary>
    private static Func<Who, Target, HttpStatusCode> OnlyRoles(int ok, params Who[] allowed) => (who, _) => Gate(who) ?? (allowed.Contains(who) ? S(ok) : HttpStatusCode.Forbidden);

    /// <summary>A's own record: A and the registry operator act on it; to everyone else it does not exist (404, like a missing one).</summary>
    private static Func<Who, Target, HttpStatusCode> OwnerOrOperator(int ok, Who[]? lackingScope = null) => (who, target) =>
        Gate(who) ?? (lackingScope?.Contains(who) == true ? HttpStatusCode.Forbidden
            : target == Target.Missing ? HttpStatusCode.NotFound
            : who is Who.Own or Who.Operator ? S(ok)
            : HttpStatusCode.NotFound);

    /// <summary>A public record (the product catalogue): every participant gets <paramref name="ok"/>, a missing one is 404.</summary>
    private static Func<Who, Target, HttpStatusCode> Public(int ok) => (who, target) => Gate(who) ?? (target == Target.Missing ? HttpStatusCode.NotFound : S(ok));

    /// <summary>A contract action: A (a side) acts; the registry operator sees the contract but is no side (409); to others it does not exist.</summary>
    private static Func<Who, Target, HttpStatusCode> SideOrOperatorSees(int ok) => (who, target) =>
        Gate(who) ?? (target == Target.Missing ? HttpStatusCode.NotFound
            : who == Who.Own ? S(ok)
            : who == Who.Operator ? HttpStatusCode.Conflict
            : HttpStatusCode.NotFound);

    /// <summary>
    /// The market operator's side of A's onboarding (X here): callers without products:manage are refused first; M, with
    /// it but no side, hears the onboarding does not exist; the registry operator sees it but is no side (403).
    /// </summary>
    private static Func<Who, Target, HttpStatusCode> MarketOperatorSide() => (who, target) =>
        Gate(who) ?? (who is Who.Own or Who.SameRole ? HttpStatusCode.Forbidden
            : target == Target.Missing || who == Who.OtherRole ? HttpStatusCode.NotFound
            : HttpStatusCode.Forbidden);

    /// <summary>A's onboarding (or a missing one), with <paramref name="suffix"/>.</summary>
    private static Func<World, Target, Task<string>> OnboardingOfA(string suffix) =>
        (w, t) => Fixed($"/api/v1/onboardings/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.OnboardingId)}{suffix}");

    /// <summary>A request in A's onboarding (a missing onboarding and request), with <paramref name="suffix"/>.</summary>
    private static Func<World, Target, Task<string>> RequestOfA(Func<World, Task<string>> request, string suffix) =>
        async (w, t) => t == Target.Missing
            ? $"/api/v1/onboardings/{Guid.NewGuid()}/requests/{Guid.NewGuid()}{suffix}"
            : $"/api/v1/onboardings/{w.OnboardingId}/requests/{await request(w)}{suffix}";

    private static ByteArrayContent PdfDocument()
    {
        var content = new ByteArrayContent(OnboardingTestData.Pdf);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return content;
    }

    /// <summary>The registry operator only; a missing record is 404 to the operator and 403 to everyone else.</summary>
    private static Func<Who, Target, HttpStatusCode> OperatorOnly(int ok) => (who, target) =>
        Gate(who) ?? (who != Who.Operator ? HttpStatusCode.Forbidden : target == Target.Missing ? HttpStatusCode.NotFound : S(ok));

    /// <summary>No token, or a suspended participant's: 401. A person whose identity no user holds: signed in, but holds nothing (403).</summary>
    private static HttpStatusCode? Gate(Who who) => who switch
    {
        Who.Anonymous or Who.Suspended => HttpStatusCode.Unauthorized,
        Who.Person => HttpStatusCode.Forbidden,
        _ => null,
    };

    private static Task<string> Fixed(string path) => Task.FromResult(path);

    /// <summary>A path under participant A's record, or under a participant that does not exist.</summary>
    private static Func<World, Target, Task<string>> OfA(string suffix) =>
        (w, t) => Fixed($"/api/v1/participants/{(t == Target.Missing ? MissingParticipant : w.A)}{suffix}");

    /// <summary>One of A's <paramref name="collection"/>: a fresh one for each cell, one nobody has, or a fresh one of B's (under A's ID).</summary>
    private static Func<World, Target, Task<string>> ChildOfA(string collection, Func<World, Task<string>> fresh, string suffix = "") =>
        async (w, t) =>
        {
            var child = t switch
            {
                Target.Missing => Guid.NewGuid().ToString(),
                Target.Foreign => await fresh(w.Other),
                _ => await fresh(w),
            };
            return $"/api/v1/participants/{w.A}/{collection}/{child}{suffix}";
        };

    /// <summary>A participant's sub-resource (a route with an ID below the participant's): its rows get the Foreign cells too.</summary>
    private static bool IsSubResource(Row row) =>
        row.Route.Contains("/participants/{id}/", StringComparison.Ordinal) && row.Route.IndexOf('{', row.Route.IndexOf("{id}/", StringComparison.Ordinal) + 4) > 0;

    /// <summary>A decision on a fresh installer's claim on A's standing asset (accepted first when <paramref name="accepted"/>).</summary>
    private static Row PartyDecisionRow(string decision, Func<World, Target, Task<HttpContent>> body, bool accepted) =>
        new($"POST /api/v1/assets/{{id}}/parties/{{partyId}}/{decision}",
            async (w, t) => $"/api/v1/assets/{w.AssetId}/parties/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshPartyClaim(accepted))}/{decision}",
            body, OwnerOrOperator(200, [Who.OtherRole]));

    /// <summary>A lifecycle transition of a fresh asset of A's, based on its current version.</summary>
    private static Row TransitionRow<T>(string transition, Func<T> body) =>
        new($"POST /api/v1/assets/{{id}}/{transition}",
            async (w, t) => $"/api/v1/assets/{(t == Target.Missing ? MissingAsset : await w.FreshAsset())}/{transition}",
            Send(() => Json(body())), OwnerOrOperator(200, [Who.OtherRole]), IfMatchCurrent: true);

    private static IReadOnlyList<Row> Rows()
    {
        var statusAction = Send(() => Json(new StatusActionRequest { Reason = "Authorisation matrix" }));
        Row StatusRow(string verb, string state, int ok) => new($"POST /api/v1/participants/{{id}}/{verb}",
            async (w, t) => $"/api/v1/participants/{(t == Target.Missing ? MissingParticipant : await w.FreshParticipantFor(state))}/{verb}",
            statusAction, OperatorOnly(ok));

        return
        [
            // Collections first: their "must not show" checks run before any cell below touches A's records.
            new("GET /api/v1/notices", (_, _) => Fixed("/api/v1/notices"), null, AnyParticipant(200), w => w.CaseId),
            new("GET /api/v1/participants", (_, _) => Fixed("/api/v1/participants"), null, AnyParticipant(200)),
            new("GET /api/v1/participants/requirements", (_, _) => Fixed("/api/v1/participants/requirements"), null, AnyParticipant(200)),
            new("GET /api/v1/audit", (_, _) => Fixed("/api/v1/audit"), null, AnyParticipant(200), w => w.A),
            new("GET /api/v1/duplicate-cases", (_, _) => Fixed("/api/v1/duplicate-cases"), null, AnyParticipant(200), w => w.CaseId),
            new("GET /api/v1/events", (_, _) => Fixed("/api/v1/events"), null, AnyParticipant(200), w => w.AssetId),
            new("GET /api/v1/events/types", (_, _) => Fixed("/api/v1/events/types"), null, AnyParticipant(200)),
            new("GET /api/v1/subscriptions", (_, _) => Fixed("/api/v1/subscriptions"), null, AnyParticipant(200), w => w.SubscriptionId),
            // A market operator (with a purpose) finds every registered asset; another FSP none of A's.
            new("GET /api/v1/assets", (_, _) => Fixed("/api/v1/assets?purpose=procurement"), null, AnyParticipant(200), w => w.AssetId, MayShowTo: [Who.OtherRole]),
            new("GET /api/v1/assets/export", (_, _) => Fixed("/api/v1/assets/export?purpose=procurement"), null, AnyParticipant(200), w => w.AssetId,
                MayShowTo: [Who.OtherRole]),
            new("GET /api/v1/reference/visibility", (_, _) => Fixed("/api/v1/reference/visibility"), null, AnyParticipant(200)),
            new("GET /api/v1/reference/purposes", (_, _) => Fixed("/api/v1/reference/purposes"), null, AnyParticipant(200)),
            new("GET /api/v1/access-log", (_, _) => Fixed("/api/v1/access-log"), null, OnlyRoles(200, Who.Operator)),
            new("POST /api/v1/access-log/verify", (_, _) => Fixed("/api/v1/access-log/verify"), null, OnlyRoles(200, Who.Operator)),
            new("GET /api/v1/reference/dno-areas", (_, _) => Fixed("/api/v1/reference/dno-areas"), null, AnyParticipant(200)),
            new("GET /api/v1/reference/asset-types", (_, _) => Fixed("/api/v1/reference/asset-types"), null, AnyParticipant(200)),
            new("GET /api/v1/reference/validation-rules", (_, _) => Fixed("/api/v1/reference/validation-rules"), null, AnyParticipant(200)),
            new("GET /api/v1/reference/field-ownership", (_, _) => Fixed("/api/v1/reference/field-ownership"), null, AnyParticipant(200)),
            new("GET /api/v1/reference/asset-lifecycle", (_, _) => Fixed("/api/v1/reference/asset-lifecycle"), null, AnyParticipant(200)),

            // Creating in one's own name: the caller is the target, so "missing" changes nothing.
            new("POST /api/v1/subscriptions", (_, _) => Fixed("/api/v1/subscriptions"),
                Send(() => Json(new CreateSubscriptionRequest { Url = "http://127.0.0.1:9/hook", Types = ["flexregistry.asset.updated"] })), AnyParticipant(201)),
            new("POST /api/v1/assets", (_, _) => Fixed("/api/v1/assets"), Send(() => Json(TestData.Chargepoint())),
                OnlyRoles(201, Who.Own, Who.SameRole, Who.Operator)),
            new("POST /api/v1/assets/check", (_, _) => Fixed("/api/v1/assets/check"), Send(() => Json(TestData.Chargepoint())),
                OnlyRoles(200, Who.Own, Who.SameRole, Who.Operator)),
            new("POST /api/v1/asset-imports", (_, _) => Fixed("/api/v1/asset-imports"), Send(ImportFile),
                OnlyRoles(202, Who.Own, Who.SameRole, Who.Operator)),

            // Participants: active ones are in the public directory; status changes are the operator's alone.
            new("GET /api/v1/participants/{id}", OfA(""), null,
                (who, target) => Gate(who) ?? (target == Target.Missing ? HttpStatusCode.NotFound : HttpStatusCode.OK)),
            StatusRow("verify", "provisional", 200),
            StatusRow("reject", "provisional", 200),
            StatusRow("suspend", "active", 200),
            StatusRow("reinstate", "suspended", 200),
            StatusRow("deregister", "active", 200),
            new("POST /api/v1/audit/verify", (_, _) => Fixed("/api/v1/audit/verify"), null, OnlyRoles(200, Who.Operator)),
            new("GET /api/v1/signing-keys", (_, _) => Fixed("/api/v1/signing-keys"), null, OnlyRoles(200, Who.Operator)),
            // Published ahead, never immediately: the other cells' tokens stay valid.
            new("POST /api/v1/signing-keys/rotate", (_, _) => Fixed("/api/v1/signing-keys/rotate"),
                Send(() => Json(new RotateSigningKeyRequest { Immediately = false })), OnlyRoles(200, Who.Operator)),
            new("GET /api/v1/audit/tree-head", (_, _) => Fixed("/api/v1/audit/tree-head"), null, AnyParticipant(200)),
            new("GET /api/v1/audit/consistency-proof", (_, _) => Fixed("/api/v1/audit/consistency-proof?first=1&second=1"), null, AnyParticipant(200)),
            // A's audit record: A and the operator may prove it; to anyone else it does not exist.
            new("GET /api/v1/audit/records/{leafIndex}/inclusion-proof",
                (w, t) => Fixed($"/api/v1/audit/records/{(t == Target.Missing ? "999999999" : w.AuditLeaf)}/inclusion-proof"), null,
                OwnerOrOperator(200), MissingCode: "audit.record_not_found"),
            // Metrics: the registry operator's token (or a configured network, none here).
            new("ANY /metrics", (_, _) => Fixed("/metrics"), null, OnlyRoles(200, Who.Operator)),

            // Commercial information: the participant's and the operator's; nobody else's, not even to learn it exists.
            new("GET /api/v1/participants/{id}/commercial-information",
                OfA("/commercial-information"), null, OwnerOrOperator(200)),
            new("PUT /api/v1/participants/{id}/commercial-information",
                OfA("/commercial-information"),
                Send(() => Json(CommercialInformationTests.ValidForFsp())), OwnerOrOperator(200), IfMatch: "*"),
            new("POST /api/v1/participants/{id}/commercial-information/check",
                OfA("/commercial-information/check"),
                Send(() => Json(CommercialInformationTests.ValidForFsp())), OwnerOrOperator(200)),

            // API clients: the organisation's administrators (users:manage) and the operator; for anyone else A does not exist.
            new("POST /api/v1/participants/{id}/clients",
                OfA("/clients"),
                Send(() => Json(new CreateApiClientRequest { Name = "Matrix client", Permissions = ["participants:read"] })), OwnerOrOperator(201)),
            new("GET /api/v1/participants/{id}/clients",
                OfA("/clients"), null, OwnerOrOperator(200)),
            new("POST /api/v1/participants/{id}/clients/{clientId}/suspend",
                ChildOfA("clients", w => w.FreshClient(), "/suspend"), null, OwnerOrOperator(200)),
            new("POST /api/v1/participants/{id}/clients/{clientId}/reinstate",
                ChildOfA("clients", w => w.FreshSuspendedClient(), "/reinstate"), null, OwnerOrOperator(200)),
            new("PUT /api/v1/participants/{id}/clients/{clientId}/keys",
                ChildOfA("clients", w => w.FreshClient(), "/keys"), Send(() => Json(new ReplaceApiClientKeysRequest { Jwks = NewJwks() })),
                OwnerOrOperator(200)),
            new("DELETE /api/v1/participants/{id}/clients/{clientId}",
                ChildOfA("clients", w => w.FreshClient()), null, OwnerOrOperator(204)),

            // Assets: parties and the operator see them; a market operator without a relationship sees nothing and cannot write.
            // Reads declare a purpose: the market operator then sees A's asset (identity, technical, coarse location); another FSP nothing.
            new("GET /api/v1/assets/{id}", (w, t) => Fixed($"/api/v1/assets/{(t == Target.Missing ? MissingAsset : w.AssetId)}?purpose=procurement"), null,
                (who, target) => Gate(who) ?? (target == Target.Missing ? HttpStatusCode.NotFound
                    : who is Who.Own or Who.Operator or Who.OtherRole ? HttpStatusCode.OK : HttpStatusCode.NotFound)),
            new("GET /api/v1/assets/{id}/access-log", (w, t) => Fixed($"/api/v1/assets/{(t == Target.Missing ? MissingAsset : w.AssetId)}/access-log"), null,
                OwnerOrOperator(200)),
            new("PATCH /api/v1/assets/{id}", (w, t) => Fixed($"/api/v1/assets/{(t == Target.Missing ? MissingAsset : w.AssetId)}"),
                Send(() => MergePatch("""{"model":"zappi v2.1 7kW"}""")), OwnerOrOperator(200, [Who.OtherRole]), IfMatchCurrent: true),

            // An asset's life (issue 17): its history and parties are its parties' and the operator's; a market operator without a
            // relationship holds no assets:write scope. Transitions and party decisions that change or end the record get fresh ones.
            new("GET /api/v1/assets/{id}/history", (w, t) => Fixed($"/api/v1/assets/{(t == Target.Missing ? MissingAsset : w.AssetId)}/history"), null,
                OwnerOrOperator(200)),
            new("GET /api/v1/assets/{id}/parties", (w, t) => Fixed($"/api/v1/assets/{(t == Target.Missing ? MissingAsset : w.AssetId)}/parties"), null,
                OwnerOrOperator(200)),
            new("POST /api/v1/assets/{id}/parties", (w, t) => Fixed($"/api/v1/assets/{(t == Target.Missing ? MissingAsset : w.AssetId)}/parties"),
                async (w, _) => Json(new AssetPartyRequest { Role = "installer", ParticipantId = (await w.FreshInstaller()).Id }),
                OwnerOrOperator(201, [Who.OtherRole])),
            PartyDecisionRow("accept", Send(() => Json(new AcceptAssetPartyRequest())), accepted: false),
            PartyDecisionRow("decline", Send(() => Json(new AssetPartyDecisionRequest { Reason = "Authorisation matrix" })), accepted: false),
            PartyDecisionRow("end", Send(() => Json(new AssetPartyDecisionRequest { Reason = "Authorisation matrix" })), accepted: true),
            TransitionRow("change-owner", () => new ChangeOwnerRequest { OwnerConsent = new OwnerConsentDto { Reference = "MATRIX-" + Guid.NewGuid().ToString("N")[..8], Method = "online-form", Date = new DateOnly(2025, 3, 1) }, Reason = "House sold" }),
            TransitionRow("move-meter-point", () => new MoveMeterPointRequest { Mpan = TestData.Mpan(), Reason = "Meter exchange" }),
            TransitionRow("upgrade", () => new UpgradeAssetRequest { ImportCapacityKw = 11m, Reason = "Bigger charger" }),
            TransitionRow("decommission", () => new DecommissionAssetRequest { Reason = "Scrapped" }),

            // Duplicate cases: the parties to the case and the operator.
            new("GET /api/v1/duplicate-cases/{id}", (w, t) => Fixed($"/api/v1/duplicate-cases/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.CaseId)}"),
                null, OwnerOrOperator(200)),
            new("POST /api/v1/duplicate-cases/{id}/merge",
                async (w, t) => $"/api/v1/duplicate-cases/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshCase())}/merge",
                Send(() => Json(new MergeDuplicateRequest { Reason = "Same chargepoint" })), OwnerOrOperator(200)),
            new("POST /api/v1/duplicate-cases/{id}/dismiss",
                async (w, t) => $"/api/v1/duplicate-cases/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshCase())}/dismiss",
                Send(() => Json(new DismissDuplicateRequest { Reason = "Two chargepoints" })), OwnerOrOperator(200)),

            // Subscriptions: the subscriber's and the operator's.
            new("GET /api/v1/subscriptions/{id}", (w, t) => Fixed($"/api/v1/subscriptions/{(t == Target.Missing ? Guid.NewGuid() : w.SubscriptionId)}"), null,
                OwnerOrOperator(200)),
            new("PATCH /api/v1/subscriptions/{id}", (w, t) => Fixed($"/api/v1/subscriptions/{(t == Target.Missing ? Guid.NewGuid() : w.SubscriptionId)}"),
                Send(() => Json(new UpdateSubscriptionRequest { Active = true })), OwnerOrOperator(200)),
            new("DELETE /api/v1/subscriptions/{id}",
                async (w, t) => $"/api/v1/subscriptions/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshSubscription())}", null, OwnerOrOperator(204)),
            new("POST /api/v1/subscriptions/{id}/rotate-secret",
                async (w, t) => $"/api/v1/subscriptions/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshSubscription())}/rotate-secret", null,
                OwnerOrOperator(200)),
            new("POST /api/v1/subscriptions/{id}/replay",
                (w, t) => Fixed($"/api/v1/subscriptions/{(t == Target.Missing ? Guid.NewGuid() : w.SubscriptionId)}/replay"),
                Send(() => Json(new ReplayRequest { FromSequence = 1 })), OwnerOrOperator(202)),
            new("GET /api/v1/subscriptions/{id}/dead-letters",
                (w, t) => Fixed($"/api/v1/subscriptions/{(t == Target.Missing ? Guid.NewGuid() : w.SubscriptionId)}/dead-letters"), null, OwnerOrOperator(200)),

            // Users: the organisation's administrators and the operator; binding an identity by hand is the operator's alone.
            new("GET /api/v1/participants/{id}/users",
                OfA("/users"), null, OwnerOrOperator(200)),
            new("POST /api/v1/participants/{id}/users",
                OfA("/users"),
                Send(() => Json(new InviteUserRequest { Email = $"matrix.{Guid.NewGuid():N}@flex.example", Name = "Matrix Invitee", Permissions = ["participants:read"] })),
                OwnerOrOperator(201)),
            new("PUT /api/v1/participants/{id}/users/{userId}/permissions",
                ChildOfA("users", w => w.FreshUser(), "/permissions"),
                Send(() => Json(new ChangeUserPermissionsRequest { Permissions = ["participants:read", "assets:read"] })), OwnerOrOperator(200)),
            new("POST /api/v1/participants/{id}/users/{userId}/suspend",
                ChildOfA("users", w => w.FreshUser(), "/suspend"), null, OwnerOrOperator(200)),
            new("POST /api/v1/participants/{id}/users/{userId}/reinstate",
                ChildOfA("users", w => w.FreshUser(suspended: true), "/reinstate"), null, OwnerOrOperator(200)),
            new("DELETE /api/v1/participants/{id}/users/{userId}",
                ChildOfA("users", w => w.FreshUser()), null, OwnerOrOperator(204)),
            new("PUT /api/v1/participants/{id}/users/{userId}/identity",
                ChildOfA("users", w => w.FreshUser(), "/identity"),
                (w, _) => Task.FromResult<HttpContent>(Json(new MapUserIdentityRequest { Issuer = w.Issuer, Subject = "matrix-" + Guid.NewGuid().ToString("N") })),
                OperatorOnly(200)),

            // Accepting an invitation: for a person signed in at a trusted provider, holding the token; the register's own
            // client tokens are refused whatever the token. An unknown token answers as a used, expired or withdrawn one.
            new("POST /api/v1/invitations/accept", (_, _) => Fixed("/api/v1/invitations/accept"),
                async (w, t) => Json(new AcceptInvitationRequest { Token = t == Target.Missing ? "fri_" + Guid.NewGuid().ToString("N") : await w.FreshInvitation() }),
                (who, target) => who != Who.Person ? Gate(who) ?? HttpStatusCode.Forbidden
                    : target == Target.Existing ? HttpStatusCode.OK : HttpStatusCode.UnprocessableEntity,
                MissingCode: "invitation.invalid"),

            // Email domains: listed by the organisation's administrators; approved and withdrawn by the operator alone.
            new("GET /api/v1/participants/{id}/email-domains",
                OfA("/email-domains"), null, OwnerOrOperator(200)),
            new("POST /api/v1/participants/{id}/email-domains",
                OfA("/email-domains"), Send(() => Json(new ApproveEmailDomainRequest { Domain = NewDomain() })), OperatorOnly(201)),
            new("DELETE /api/v1/participants/{id}/email-domains/{domain}",
                ChildOfA("email-domains", w => w.FreshEmailDomain()), null, OperatorOnly(204)),

            // Relationships: expressed and given by the participant (or the operator for it), never by anyone else.
            new("GET /api/v1/participants/{id}/market-interests",
                OfA("/market-interests"), null, OwnerOrOperator(200)),
            new("POST /api/v1/participants/{id}/market-interests",
                OfA("/market-interests"),
                async (w, t) => Json(new ExpressInterestRequest { MarketOperatorId = t == Target.Missing ? w.M : await w.FreshMarketOperator() }),
                OwnerOrOperator(201)),
            new("DELETE /api/v1/participants/{id}/market-interests/{interestId}",
                ChildOfA("market-interests", w => w.FreshInterest()), null, OwnerOrOperator(204)),
            new("GET /api/v1/participants/{id}/data-sharing-grants",
                OfA("/data-sharing-grants"), null, OwnerOrOperator(200)),

            // Access log and read notifications: the participant's and the operator's.
            new("GET /api/v1/participants/{id}/access-log", OfA("/access-log"), null, OwnerOrOperator(200)),
            new("GET /api/v1/participants/{id}/access-notifications", OfA("/access-notifications"), null, OwnerOrOperator(200)),
            new("PUT /api/v1/participants/{id}/access-notifications", OfA("/access-notifications"),
                Send(() => Json(new AccessNotificationsRequest { AllAssets = true })), OwnerOrOperator(200)),
            new("POST /api/v1/participants/{id}/data-sharing-grants",
                OfA("/data-sharing-grants"),
                async (w, t) => Json(Grant(t == Target.Missing ? w.M : await w.FreshMarketOperator())), OwnerOrOperator(201)),
            new("POST /api/v1/participants/{id}/data-sharing-grants/{grantId}/revoke",
                ChildOfA("data-sharing-grants", w => w.FreshGrant(), "/revoke"),
                Send(() => Json(new RevokeGrantRequest { Reason = "Authorisation matrix" })), OwnerOrOperator(200)),

            // Imports: the importer's and the operator's; a market operator may not import at all.
            new("GET /api/v1/asset-imports/template", (_, _) => Fixed("/api/v1/asset-imports/template"), null,
                OnlyRoles(200, Who.Own, Who.SameRole, Who.Operator)),
            new("GET /api/v1/asset-imports/{id}", (w, t) => Fixed($"/api/v1/asset-imports/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.ImportId)}"), null,
                OwnerOrOperator(200, [Who.OtherRole])),
            new("GET /api/v1/asset-imports/{id}/results",
                (w, t) => Fixed($"/api/v1/asset-imports/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.ImportId)}/results"), null,
                OwnerOrOperator(200, [Who.OtherRole])),

            // The market. The product catalogue is public; only a system or market operator defines products and only the
            // owner (X here, or the registry operator) changes one.
            new("GET /api/v1/reference/product-templates", (_, _) => Fixed("/api/v1/reference/product-templates"), null, AnyParticipant(200)),
            new("GET /api/v1/reference/stacking-rules", (_, _) => Fixed("/api/v1/reference/stacking-rules"), null, AnyParticipant(200)),
            new("POST /api/v1/products", (_, _) => Fixed("/api/v1/products"), Send(() => Json(MarketTestData.Product("dso-sustain"))),
                OnlyRoles(201, Who.OtherRole, Who.Operator)),
            new("GET /api/v1/products", (_, _) => Fixed("/api/v1/products"), null, AnyParticipant(200)),
            new("GET /api/v1/products/{id}", (w, t) => Fixed($"/api/v1/products/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.ProductId)}"), null, Public(200)),
            new("PUT /api/v1/products/{id}", (w, t) => Fixed($"/api/v1/products/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.ProductId)}"),
                Send(() => Json(MarketTestData.Product("dso-secure", MarketTestData.WinterPeak))),
                (who, target) => Gate(who) ?? (who is Who.Own or Who.SameRole ? HttpStatusCode.Forbidden
                    : target == Target.Missing ? HttpStatusCode.NotFound
                    : who == Who.Operator ? HttpStatusCode.OK : HttpStatusCode.Forbidden),
                IfMatch: "*"),
            new("GET /api/v1/products/{id}/requirements",
                (w, t) => Fixed($"/api/v1/products/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.ProductId)}/requirements"), null, Public(200)),
            new("POST /api/v1/products/{id}/eligibility-check",
                (w, t) => Fixed($"/api/v1/products/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.ProductId)}/eligibility-check"),
                (w, _) => Task.FromResult<HttpContent>(Json(new EligibilityCheckRequest { AssetIds = [w.MarketAssetId] })), Public(200),
                // Another's asset is reported inside the answer as not found, like a missing one.
                MustNotShowToOthers: _ => "\"eligible\":true"),

            // Published markets: public to every participant; published by market and system operators; changed by their operator (X
            // here) or the registry operator. Any provider applies to one.
            new("POST /api/v1/markets", (_, _) => Fixed("/api/v1/markets"), Send(() => Json(OnboardingTestData.Market())), OnlyRoles(201, Who.OtherRole, Who.Operator)),
            new("GET /api/v1/markets", (_, _) => Fixed("/api/v1/markets"), null, AnyParticipant(200)),
            new("GET /api/v1/markets/{id}", (w, t) => Fixed($"/api/v1/markets/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.MarketId)}"), null, Public(200)),
            new("PUT /api/v1/markets/{id}", (w, t) => Fixed($"/api/v1/markets/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.MarketId)}"),
                Send(() => Json(OnboardingTestData.Market(sections: ["commercial-information.contacts"]))),
                (who, target) => Gate(who) ?? (who is Who.Own or Who.SameRole ? HttpStatusCode.Forbidden
                    : target == Target.Missing ? HttpStatusCode.NotFound
                    : who == Who.Operator ? HttpStatusCode.OK : HttpStatusCode.Forbidden),
                IfMatch: "*"),
            new("POST /api/v1/markets/{id}/onboardings",
                async (w, t) => $"/api/v1/markets/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshMarket())}/onboardings",
                Send(() => Json(new ApplyToMarketRequest())),
                (who, target) => Gate(who) ?? (target == Target.Missing ? HttpStatusCode.NotFound
                    : who is Who.Own or Who.SameRole ? HttpStatusCode.Created : HttpStatusCode.UnprocessableEntity)),

            // Onboarding: its two sides' (A and X) and the registry operator's, who acts for A but is no market operator's side.
            new("GET /api/v1/onboardings", (_, _) => Fixed("/api/v1/onboardings"), null, AnyParticipant(200), w => w.OnboardingId),
            new("GET /api/v1/onboardings/{id}", OnboardingOfA(""), null, OwnerOrOperator(200)),
            new("POST /api/v1/onboardings/{id}/grant", OnboardingOfA("/grant"), null, OwnerOrOperator(200)),
            new("POST /api/v1/onboardings/{id}/onboard", OnboardingOfA("/onboard"), null, MarketOperatorSide()),
            new("POST /api/v1/onboardings/{id}/return", OnboardingOfA("/return"), Send(() => Json(new ReasonRequest { Reason = "Matrix" })), MarketOperatorSide()),
            new("POST /api/v1/onboardings/{id}/requests", OnboardingOfA("/requests"),
                Send(() => Json(new RaiseOnboardingRequest { Kind = "agreement", Description = "Matrix" })), MarketOperatorSide()),
            new("POST /api/v1/onboardings/{id}/requests/{requestId}/answer", RequestOfA(w => w.FreshRequest("agreement"), "/answer"),
                Send(() => Json(new AnswerOnboardingRequest { Answer = "Signed" })), OwnerOrOperator(200)),
            new("PUT /api/v1/onboardings/{id}/requests/{requestId}/document", RequestOfA(w => w.FreshRequest("document"), "/document"),
                Send(PdfDocument), OwnerOrOperator(200)),
            new("GET /api/v1/onboardings/{id}/requests/{requestId}/document", RequestOfA(w => Task.FromResult(w.DocumentRequestId), "/document"), null,
                OwnerOrOperator(200)),
            new("POST /api/v1/onboardings/{id}/requests/{requestId}/accept", RequestOfA(w => Task.FromResult(w.DocumentRequestId), "/accept"), null,
                MarketOperatorSide()),
            new("POST /api/v1/onboardings/{id}/requests/{requestId}/return", RequestOfA(w => Task.FromResult(w.DocumentRequestId), "/return"),
                Send(() => Json(new ReasonRequest { Reason = "Matrix" })), MarketOperatorSide()),

            // Portfolios: the owner's, the registry operator's (and a contracted buyer's, X here).
            new("GET /api/v1/portfolios", (_, _) => Fixed("/api/v1/portfolios"), null, AnyParticipant(200), w => w.PortfolioId),
            new("GET /api/v1/portfolios/{id}", (w, t) => Fixed($"/api/v1/portfolios/{(t == Target.Missing ? MissingPortfolio : w.PortfolioId)}"), null,
                OwnerOrOperator(200)),
            new("GET /api/v1/portfolios/{id}/members",
                (w, t) => Fixed($"/api/v1/portfolios/{(t == Target.Missing ? MissingPortfolio : w.PortfolioId)}/members"), null, OwnerOrOperator(200)),
            new("POST /api/v1/portfolios/{id}/members",
                (w, t) => Fixed($"/api/v1/portfolios/{(t == Target.Missing ? MissingPortfolio : w.PortfolioId)}/members"),
                async (w, _) => Json(new AddPortfolioMembersRequest { Members = [new PortfolioMemberDto { AssetId = await w.FreshAsset() }] }),
                OwnerOrOperator(200, [Who.OtherRole])),
            new("POST /api/v1/portfolios/{id}/members/remove",
                (w, t) => Fixed($"/api/v1/portfolios/{(t == Target.Missing ? MissingPortfolio : w.PortfolioId)}/members/remove"),
                async (w, _) =>
                {
                    var asset = await w.FreshAsset();
                    await w.Clients[Who.Own].AddMembersAsync(w.PortfolioId, (asset, null));
                    return Json(new RemovePortfolioMembersRequest { AssetIds = [asset] });
                },
                OwnerOrOperator(200, [Who.OtherRole])),

            // Operator claims: made by FSPs and aggregators on any asset they have consent for; seen by the operator and the asset's parties.
            new("POST /api/v1/operator-claims", (_, _) => Fixed("/api/v1/operator-claims"),
                async (w, _) => Json(MarketTestData.Claim(await w.FreshAsset(), "dso-flexibility", MarketTestData.Now)),
                OnlyRoles(201, Who.Own, Who.SameRole, Who.Operator)),
            new("GET /api/v1/operator-claims", (_, _) => Fixed("/api/v1/operator-claims"), null, AnyParticipant(200), w => w.ClaimId),
            new("GET /api/v1/operator-claims/{id}", (w, t) => Fixed($"/api/v1/operator-claims/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.ClaimId)}"), null,
                OwnerOrOperator(200)),
            new("POST /api/v1/operator-claims/{id}/end",
                async (w, t) => $"/api/v1/operator-claims/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshClaim())}/end",
                Send(() => Json(new EndClaimRequest())), OwnerOrOperator(200, [Who.OtherRole])),

            // Contracts: the two sides' (A and X) and the registry operator's, who sees them but is no side to accept, decline or end one.
            new("POST /api/v1/contracts", (_, _) => Fixed("/api/v1/contracts"),
                (w, _) => Task.FromResult<HttpContent>(Json(MarketTestData.Contract(w.PortfolioId, w.ProductId))),
                (who, _) => Gate(who) ?? (who == Who.Own ? HttpStatusCode.Created : HttpStatusCode.UnprocessableEntity),
                MissingCode: "contract.not_a_party"),
            new("GET /api/v1/contracts", (_, _) => Fixed("/api/v1/contracts"), null, AnyParticipant(200), w => w.ContractId),
            new("GET /api/v1/contracts/{id}", (w, t) => Fixed($"/api/v1/contracts/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.ContractId)}"), null,
                OwnerOrOperator(200)),
            new("POST /api/v1/contracts/{id}/accept",
                async (w, t) => $"/api/v1/contracts/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshProposal())}/accept", null, SideOrOperatorSees(200)),
            new("POST /api/v1/contracts/{id}/decline",
                async (w, t) => $"/api/v1/contracts/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshProposal())}/decline", null, SideOrOperatorSees(200)),
            new("POST /api/v1/contracts/{id}/terminate",
                async (w, t) => $"/api/v1/contracts/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshActiveContract())}/terminate",
                Send(() => Json(new TerminateContractRequest())), SideOrOperatorSees(200)),

            // The conflict register: its parties' (A and X) and the registry operator's.
            new("GET /api/v1/conflicts", (_, _) => Fixed("/api/v1/conflicts"), null, AnyParticipant(200), w => w.ConflictId),
            new("GET /api/v1/conflicts/{id}", (w, t) => Fixed($"/api/v1/conflicts/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.ConflictId)}"), null,
                OwnerOrOperator(200)),
            new("POST /api/v1/conflicts/{id}/acknowledge",
                (w, t) => Fixed($"/api/v1/conflicts/{(t == Target.Missing ? Guid.NewGuid().ToString() : w.ConflictId)}/acknowledge"),
                Send(() => Json(new AcknowledgeConflictRequest { Note = "Matrix" })), OwnerOrOperator(200)),
            new("POST /api/v1/conflicts/{id}/resolve",
                async (w, t) => $"/api/v1/conflicts/{(t == Target.Missing ? Guid.NewGuid().ToString() : await w.FreshConflict())}/resolve",
                Send(() => Json(new ResolveConflictRequest { Resolution = "Matrix" })), OwnerOrOperator(200)),
            new("POST /api/v1/conflicts/detect", (_, _) => Fixed("/api/v1/conflicts/detect"),
                (w, t) => Task.FromResult<HttpContent>(Json(new DetectConflictsRequest { AssetId = t == Target.Missing ? MissingAsset : w.MarketAssetId })),
                OwnerOrOperator(200), MissingCode: "asset.not_found"),

            // The owner's view: flex owners (none among these callers) and householders with a proof (OwnerViewTests), and the registry operator.
            new("GET /api/v1/owner-view/assets", (_, _) => Fixed("/api/v1/owner-view/assets"), null, OnlyRoles(200, Who.Operator)),
            new("GET /api/v1/owner-view/assets/{id}", (w, t) => Fixed($"/api/v1/owner-view/assets/{(t == Target.Missing ? MissingAsset : w.MarketAssetId)}"), null,
                OperatorOnly(200)),
            new("POST /api/v1/owner-view/assets/{id}/claims/{claimId}/withdraw-consent",
                async (w, t) =>
                {
                    if (t == Target.Missing)
                        return $"/api/v1/owner-view/assets/{MissingAsset}/claims/{Guid.NewGuid()}/withdraw-consent";
                    var claim = await w.FreshClaim();
                    var asset = (await (await w.Clients[Who.Own].GetAsync($"/api/v1/operator-claims/{claim}")).Read<OperatorClaimResponse>()).AssetId;
                    return $"/api/v1/owner-view/assets/{asset}/claims/{claim}/withdraw-consent";
                },
                Send(() => Json(new WithdrawConsentRequest { Reason = "Matrix" })), OperatorOnly(200)),
        ];
    }

    [Fact]
    public void EveryEndpoint_HasARowInTheMatrix()
    {
        // Pages have their own matrix (WebAuthorisationMatrixTests) and inventory (EndpointAuthorisationTests).
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .Where(k => !Deliberate.Contains(k) && !k.StartsWith("GET /docs", StringComparison.Ordinal))
            .ToHashSet();
        var rows = Rows().Select(r => r.Route).ToList();
        Assert.Equal(rows.Count, rows.Distinct().Count());
        Assert.Empty(routes.Except(rows));
        Assert.Empty(rows.Except(routes));
    }

    [Fact]
    public async Task EveryEndpoint_AnswersEachCallerAsTheMatrixSays()
    {
        var world = await BuildWorldAsync();
        try
        {
            var mismatches = new List<string>();
            var cells = 0;
            foreach (var row in Rows())
            {
                // Missing first: what each caller hears about a record that does not exist is what it must hear about another's.
                var missingCodes = new Dictionary<Who, string?>();
                foreach (var target in IsSubResource(row) ? [Target.Missing, Target.Existing, Target.Foreign] : new[] { Target.Missing, Target.Existing })
                {
                    foreach (var who in Enum.GetValues<Who>())
                    {
                        var expected = row.Expected(who, target == Target.Foreign ? Target.Missing : target);
                        var answeredByHandler = (int)expected >= 400 && expected is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
                        var path = await row.Path(world, target);
                        var payload = row.Body is null ? null : await Payload.OfAsync(await row.Body(world, target));
                        var ifMatch = row.IfMatchCurrent ? await world.ETagOf(path) : row.IfMatch;
                        var (response, body) = await SendAsync(world.Clients[who], row, path, payload, ifMatch);
                        using var _ = response;
                        cells++;
                        var code = ProblemCode(body);
                        if (response.StatusCode != expected)
                            mismatches.Add($"{row.Route} [{who}, {target}] expected {(int)expected} got {(int)response.StatusCode}: {Truncate(body)}");
                        else if (target == Target.Missing && answeredByHandler)
                        {
                            // The handler answered about the record itself: with the row's code for a missing one.
                            missingCodes[who] = code;
                            if (row.MissingCode is { } wanted ? code != wanted : code?.EndsWith("not_found", StringComparison.Ordinal) != true)
                                mismatches.Add($"{row.Route} [{who}, missing] answered with code {code}, not {row.MissingCode ?? "a not-found code"}");
                        }
                        else if (target == Target.Foreign && answeredByHandler && code != missingCodes.GetValueOrDefault(who))
                        {
                            // B's sub-resource under A's ID: the lookup must be by parent and ID, so it is as missing as an unknown ID.
                            mismatches.Add($"{row.Route} [{who}] B's record under A's ID answered with code {code}, a missing one with {missingCodes.GetValueOrDefault(who)}");
                        }
                        else if (response.StatusCode == HttpStatusCode.NotFound && target == Target.Existing && who is Who.SameRole or Who.OtherRole)
                        {
                            // Another's record must be indistinguishable from a missing one: the same problem code.
                            if (code is null || !code.EndsWith("not_found", StringComparison.Ordinal) || code != missingCodes.GetValueOrDefault(who))
                                mismatches.Add($"{row.Route} [{who}] 404 with code {code} for A's record, {missingCodes.GetValueOrDefault(who)} for a missing one");
                        }
                        if (row.MustNotShowToOthers is { } secret && who is Who.SameRole or Who.OtherRole && row.MayShowTo?.Contains(who) != true
                            && body.Contains(secret(world), StringComparison.Ordinal))
                            mismatches.Add($"{row.Route} [{who}] shows A's record {secret(world)}");
                    }
                }
            }
            Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cells} cells differ from the matrix:\n" + string.Join('\n', mismatches));
            Assert.Equal(Rows().Sum(r => IsSubResource(r) ? 3 : 2) * Enum.GetValues<Who>().Length, cells);
        }
        finally
        {
            foreach (var client in world.Clients.Values)
                client.Dispose();
            world.X?.Dispose();
        }
    }

    [Fact]
    public async Task AnotherParticipantsNonPublicRecord_IsIndistinguishableFromAMissingOne()
    {
        var pending = await app.RegisterOnlyAsync();
        var (_, other) = await app.RegisterActiveAsync();
        using (other)
        {
            using var hidden = await other.GetAsync($"/api/v1/participants/{pending.ParticipantId}");
            using var missing = await other.GetAsync($"/api/v1/participants/{MissingParticipant}");
            var a = await hidden.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            var b = await missing.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            Assert.Equal(a.Title, b.Title);
            Assert.Equal(a.Type, b.Type);
            Assert.Equal(a.Detail!.Replace(pending.ParticipantId, "ID", StringComparison.Ordinal), b.Detail!.Replace(MissingParticipant, "ID", StringComparison.Ordinal));
        }
    }

    private static string? ProblemCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A cell's body, read once, so that a retried request sends exactly the same bytes.</summary>
    private sealed record Payload(byte[] Bytes, MediaTypeHeaderValue? ContentType)
    {
        public static async Task<Payload> OfAsync(HttpContent content)
        {
            using (content)
                return new Payload(await content.ReadAsByteArrayAsync(), content.Headers.ContentType);
        }

        public ByteArrayContent ToContent()
        {
            var content = new ByteArrayContent(Bytes);
            content.Headers.ContentType = ContentType;
            return content;
        }
    }

    /// <summary>Sends one cell's request, once: no answer is retried, so a 409 the matrix does not expect is a failure.</summary>
    private static async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpClient client, Row row, string path, Payload? payload, string? ifMatch)
    {
        var method = new HttpMethod(row.Route[..row.Route.IndexOf(' ', StringComparison.Ordinal)]);
        using var request = new HttpRequestMessage(method, path) { Content = payload?.ToContent() };
        if (ifMatch is not null)
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string Truncate(string body) => body.Length > 300 ? body[..300] + "…" : body;

    /// <summary>The person P: every request carries a new identity's token from the trusted provider, vouching for one email.</summary>
    private sealed class NewIdentityEachRequest(FakeOidcIssuer idp, string email) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", idp.Token("matrix-" + Guid.NewGuid().ToString("N"), email));
            return base.SendAsync(request, cancellationToken);
        }
    }

    private async Task<World> BuildWorldAsync()
    {
        var (a, own) = await app.RegisterActiveAsync();
        var (b, sameRole) = await app.RegisterActiveAsync();
        var (m, otherRole) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        var (s, suspended) = await app.RegisterActiveAsync();
        var op = await app.OperatorAsync();
        var personEmail = $"pat.{Guid.NewGuid():N}@flex.example";
#pragma warning disable CA2000 // the client owns and disposes its handler
        var person = app.CreateDefaultClient(new NewIdentityEachRequest(idp, personEmail));
#pragma warning restore CA2000

        var clients = new Dictionary<Who, HttpClient>
        {
            [Who.Anonymous] = app.Anonymous(),
            [Who.Own] = own,
            [Who.SameRole] = sameRole,
            [Who.OtherRole] = otherRole,
            [Who.Operator] = op,
            [Who.Suspended] = suspended,
            [Who.Person] = person,
        };
        var world = new World(app, clients, a.ParticipantId, m.ParticipantId, idp.Issuer, personEmail);
        await world.MakeStandingRecordsAsync();
        world.Other = new World(app, new(clients) { [Who.Own] = sameRole }, b.ParticipantId, m.ParticipantId, idp.Issuer, personEmail);

        using (var suspension = await op.PostAsJsonAsync($"/api/v1/participants/{s.ParticipantId}/suspend", new StatusActionRequest { Reason = "Matrix: suspended organisation" }))
            await suspension.ShouldHave(HttpStatusCode.OK);
        // The live-token check caches "may act" briefly; wait until the suspension bites, as the documented bound promises.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var probe = await suspended.GetAsync("/api/v1/reference/dno-areas");
            if (probe.StatusCode == HttpStatusCode.Unauthorized)
                break;
            await Task.Delay(100);
        }
        return world;
    }
}

public sealed class AuthorisationMatrixTests_Sqlite(SqliteExternalIssuerApp app) : AuthorisationMatrixTests(app, app.Idp), IClassFixture<SqliteExternalIssuerApp>;

public sealed class AuthorisationMatrixTests_Postgres(PostgresExternalIssuerApp app) : AuthorisationMatrixTests(app, app.Idp), IClassFixture<PostgresExternalIssuerApp>;
