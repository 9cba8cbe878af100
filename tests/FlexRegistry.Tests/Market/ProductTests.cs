using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Market;

/// <summary>BUC.2 step 1b: products with published data requirements, and an eligibility check per asset.</summary>
public abstract class ProductTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step1b_ProductRequirements_AreTheTemplatesDefaultsPlusTheProductsOwn_PublishedToEveryParticipant()
    {
        var (so, soClient) = await app.RegisterSystemOperatorAsync();
        var (_, fsp) = await app.RegisterActiveAsync();
        using (soClient)
        using (fsp)
        {
            var catalogue = await (await fsp.GetAsync("/api/v1/reference/product-templates")).Read<ProductCatalogueResponse>();
            var secure = Assert.Single(catalogue.Templates, t => t.Code == "dso-secure");
            Assert.Equal("dso-flexibility", secure.ServiceClass);
            Assert.Contains(catalogue.ServiceClasses, c => c.Code == "dso-flexibility");
            Assert.All(catalogue.Templates, t => Assert.Contains(catalogue.ServiceClasses, c => c.Code == t.ServiceClass));

            var request = MarketTestData.Product("dso-secure") with
            {
                LocationScope = new LocationScopeDto { GspGroups = ["_C"] },
                Requirements = new DataRequirementsDto { RequiredFields = ["location"], ConfirmedGroups = ["technical"], AssetTypes = ["ev-chargepoint", "heat-pump"] },
            };
            using var created = await soClient.PostAsJsonAsync("/api/v1/products", request);
            var product = await created.Read<ProductResponse>(HttpStatusCode.Created);
            Assert.Equal((so.ParticipantId, "dso-flexibility", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYMONTH=12,1"),
                (product.OwnerId, product.ServiceClass, Assert.Single(product.Windows).Recurrence));

            // An FSP reads them: the template's fields and groups plus the product's own, the types, the area.
            var requirements = await (await fsp.GetAsync($"/api/v1/products/{product.ProductId}/requirements")).Read<ProductRequirementsResponse>();
            Assert.Equal(["mpan", "address", "location", "importCapacityKw", "ownerConsent"], requirements.RequiredFields);
            Assert.Equal(["identity", "technical"], requirements.ConfirmedGroups);
            Assert.Equal(["ev-chargepoint", "heat-pump"], requirements.AssetTypes);
            Assert.True(requirements.RequireCommissioned);
            Assert.Equal(["_C"], requirements.LocationScope.GspGroups);
            var found = await (await fsp.GetAsync($"/api/v1/products?template=dso-secure&owner={so.ParticipantId}")).Read<Page<ProductResponse>>();
            Assert.Equal(product.ProductId, Assert.Single(found.Items).ProductId);
        }
    }

    [Fact]
    public async Task BUC2_Step1b_EligibilityCheck_SaysPerAssetWhatIsMissing_AndStoresNothing()
    {
        var (_, soClient) = await app.RegisterSystemOperatorAsync();
        var (_, fsp) = await app.RegisterActiveAsync();
        var (_, other) = await app.RegisterActiveAsync();
        using (soClient)
        using (fsp)
        using (other)
        {
            using var created = await soClient.PostAsJsonAsync("/api/v1/products", MarketTestData.Product("dso-secure") with
            {
                LocationScope = new LocationScopeDto { GspGroups = ["_C"] },
                Requirements = new DataRequirementsDto { RequiredFields = ["location"] },
            });
            var product = await created.Read<ProductResponse>(HttpStatusCode.Created);

            // In _C (distributor 12) with a location: only the identity confirmation is missing (the data is provisional).
            var inArea = TestData.Chargepoint(mpan: TestData.Mpan(12)) with { Location = new LocationDto { Latitude = 51.5, Longitude = -0.1 } };
            var near = (await (await fsp.PostAsJsonAsync("/api/v1/assets", inArea)).Read<RegisterAssetResponse>(HttpStatusCode.Created)).AssetId;
            // Elsewhere (distributor 23), planned, without a location.
            var elsewhere = TestData.Chargepoint(mpan: TestData.Mpan(23)) with { Status = "planned", CommissioningDate = null };
            var far = (await (await fsp.PostAsJsonAsync("/api/v1/assets", elsewhere)).Read<RegisterAssetResponse>(HttpStatusCode.Created)).AssetId;
            var (notMine, _) = await other.RegisterChargepointAsync();

            using var check = await fsp.PostAsJsonAsync($"/api/v1/products/{product.ProductId}/eligibility-check", new EligibilityCheckRequest { AssetIds = [near, far, notMine] });
            var result = await check.Read<EligibilityCheckResponse>();
            Assert.Equal((0, 3), (result.Eligible, result.NotEligible));
            var a = Assert.Single(result.Assets, x => x.AssetId == near);
            Assert.Empty(a.MissingFields);
            Assert.Equal(["identity"], a.UnconfirmedGroups);
            Assert.Empty(a.Problems);
            var b = Assert.Single(result.Assets, x => x.AssetId == far);
            Assert.Equal(["location"], b.MissingFields);
            Assert.Equal(
                new HashSet<string> { "product.asset_not_commissioned", "product.asset_out_of_scope" },
                b.Problems.Select(p => p.Code).ToHashSet());
            // Another's asset answers like a missing one.
            Assert.Equal("asset.not_found", Assert.Single(Assert.Single(result.Assets, x => x.AssetId == notMine).Problems).Code);

            // A portfolio's current members, and a commitment the product would conflict with.
            var (_, nesoClient) = await app.RegisterSystemOperatorAsync();
            using (nesoClient)
            {
                var reserve = await nesoClient.DefineProductAsync("neso-quick-reserve", MarketTestData.EveningAllYear);
                var portfolio = await fsp.RegisterPortfolioAsync();
                await fsp.AddMembersAsync(portfolio, (near, null));
                await MarketTestData.ContractAsync(fsp, nesoClient, portfolio, reserve, 5m);
                using var byPortfolio = await fsp.PostAsJsonAsync($"/api/v1/products/{product.ProductId}/eligibility-check", new EligibilityCheckRequest { PortfolioId = portfolio });
                var member = Assert.Single((await byPortfolio.Read<EligibilityCheckResponse>()).Assets);
                var clash = Assert.Single(member.Conflicts);
                Assert.Equal(("not-stackable", reserve, "neso-quick-reserve"), (clash.Rule, clash.ProductId, clash.Template));
            }

            // Bad input: both kinds of scope, or none; a malformed ID.
            using var bad = await fsp.PostAsJsonAsync($"/api/v1/products/{product.ProductId}/eligibility-check", new EligibilityCheckRequest { AssetIds = ["FRA-XX"], PortfolioId = near });
            var problem = await bad.ReadProblem(HttpStatusCode.UnprocessableEntity, "product.eligibility_check_invalid");
            Assert.Equal(new HashSet<string> { "assetIds", "assetIds[0]" }, problem.Errors!.Select(e => e.Field).ToHashSet());
        }
    }

    [Fact]
    public async Task OnlySystemOrMarketOperatorsDefineProducts_AndOnlyTheOwnerChangesOne_WithIfMatch()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        var (_, so) = await app.RegisterSystemOperatorAsync();
        var (_, mo) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        var (_, otherSo) = await app.RegisterSystemOperatorAsync();
        using (fsp)
        using (so)
        using (mo)
        using (otherSo)
        {
            using (var byFsp = await fsp.PostAsJsonAsync("/api/v1/products", MarketTestData.Product("dso-sustain")))
                Assert.Equal(HttpStatusCode.Forbidden, byFsp.StatusCode);
            await mo.DefineProductAsync("balancing-mechanism");
            using var created = await so.PostAsJsonAsync("/api/v1/products", MarketTestData.Product("dso-sustain"));
            var product = await created.Read<ProductResponse>(HttpStatusCode.Created);
            var etag = created.Headers.ETag!;

            async Task<HttpResponseMessage> Put(HttpClient client, ProductRequest body, System.Net.Http.Headers.EntityTagHeaderValue? ifMatch)
            {
                using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/products/{product.ProductId}") { Content = JsonContent.Create(body) };
                if (ifMatch is not null)
                    put.Headers.IfMatch.Add(ifMatch);
                return await client.SendAsync(put);
            }

            var change = MarketTestData.Product("dso-sustain", MarketTestData.EveningAllYear) with { Name = "Sustain, evenings" };
            using (var byOther = await Put(otherSo, change, etag))
                await byOther.ReadProblem(HttpStatusCode.Forbidden, "product.not_owner");
            using (var withoutIfMatch = await Put(so, change, null))
                await withoutIfMatch.ReadProblem((HttpStatusCode)428, "resource.precondition_required");
            using (var otherTemplate = await Put(so, change with { Template = "dso-secure" }, etag))
                await otherTemplate.ReadProblem(HttpStatusCode.Conflict, "product.template_fixed");
            using (var changed = await Put(so, change, etag))
                Assert.Equal("Sustain, evenings", (await changed.Read<ProductResponse>()).Name);
            using (var stale = await Put(so, change, etag))
                await stale.ReadProblem(HttpStatusCode.PreconditionFailed, "resource.precondition_failed");
        }
    }

    [Fact]
    public async Task BadInput_AWindowThatIsNoValidRecurrence_InvertedTimesAndPeriods_UnknownTemplate_AreAllListed_AndNothingIsStored()
    {
        var (so, client) = await app.RegisterSystemOperatorAsync();
        using (client)
        {
            var bad = new ProductRequest
            {
                Template = "dso-everything",
                Name = "",
                Direction = "sideways",
                CapacityKw = -1m,
                ValidFrom = MarketTestData.Today,
                ValidTo = MarketTestData.Today.AddDays(-1),
                Windows =
                [
                    new ServiceWindowDto { Recurrence = "every weekday", Start = "17:00", End = "19:00" },
                    new ServiceWindowDto { Recurrence = "FREQ=MONTHLY;BYMONTHDAY=1", Start = "17:00", End = "19:00" },
                    new ServiceWindowDto { Recurrence = "FREQ=WEEKLY;BYDAY=1MO", Start = "19:00", End = "17:00" },
                    new ServiceWindowDto { Recurrence = "FREQ=DAILY;COUNT=3", Start = "25:00", End = "7pm" },
                ],
                LocationScope = new LocationScopeDto { DnoAreas = [99], GspGroups = ["_Z"] },
                Requirements = new DataRequirementsDto { RequiredFields = ["favouriteColour"], ConfirmedGroups = ["vibes"], AssetTypes = ["portfolio"] },
            };
            using var response = await client.PostAsJsonAsync("/api/v1/products", bad);
            var problem = await response.ReadProblem(HttpStatusCode.UnprocessableEntity, "product.validation_failed");
            Assert.Equal(
                new HashSet<(string, string)>
                {
                    ("template", "product.template_unknown"), ("name", "field.required"), ("direction", "field.invalid"), ("capacityKw", "field.out_of_range"),
                    ("validTo", "period.inverted"),
                    ("windows[0].recurrence", "window.recurrence_invalid"), ("windows[1].recurrence", "window.recurrence_unsupported"),
                    ("windows[2].recurrence", "window.recurrence_unsupported"), ("windows[2].end", "window.inverted"),
                    ("windows[3].recurrence", "window.recurrence_unsupported"), ("windows[3].start", "window.time_invalid"), ("windows[3].end", "window.time_invalid"),
                    ("locationScope.dnoAreas[0]", "field.invalid"), ("locationScope.gspGroups[0]", "field.invalid"),
                    ("requirements.requiredFields[0]", "product.requirement_unknown"), ("requirements.confirmedGroups[0]", "product.requirement_unknown"),
                    ("requirements.assetTypes[0]", "product.requirement_unknown"),
                },
                problem.Errors!.Select(e => (e.Field, e.Code)).ToHashSet());
            var mine = await (await client.GetAsync($"/api/v1/products?owner={so.ParticipantId}")).Read<Page<ProductResponse>>();
            Assert.Empty(mine.Items);
        }
    }
}

public sealed class ProductTests_Sqlite(SqliteApp app) : ProductTests(app), IClassFixture<SqliteApp>;

public sealed class ProductTests_Postgres(PostgresApp app) : ProductTests(app), IClassFixture<PostgresApp>;
