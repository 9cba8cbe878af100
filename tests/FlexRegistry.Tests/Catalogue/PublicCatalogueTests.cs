using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Onboarding;
using FlexRegistry.Tests.Reads;

namespace FlexRegistry.Tests.Catalogue;

/// <summary>
/// The public catalogue (BUC.4 step 5, seed 002's public member registry) over HTTP on both databases, without a token:
/// JSON-LD checked by an independent processor (jsonld.js, tests/interop-catalogue), CSV read by CsvHelper, a strong ETag
/// with 304, and nothing the published visibility rule withholds from other participants.
/// </summary>
public abstract class PublicCatalogueTests(RegistryApp app)
{
    private static string CatalogueChecker => Node.TestsDirectory("interop-catalogue");

    private static async Task<JsonElement> CheckWithJsonLdAsync(string body)
    {
        if (!Directory.Exists(Path.Combine(CatalogueChecker, "node_modules", "jsonld")))
            Assert.Fail($"jsonld is not installed in {CatalogueChecker}: run `npm ci --prefix tests/interop-catalogue` (test.sh does).");
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, body);
            var (exit, output) = await Node.RunInAsync(CatalogueChecker, "check-catalogue.mjs", file);
            Assert.True(exit == 0, "jsonld.js refused the catalogue: " + output);
            return JsonDocument.Parse(output).RootElement;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static List<Dictionary<string, string>> ReadCsv(string body)
    {
        using var reader = new CsvReader(new StringReader(body), CultureInfo.InvariantCulture);
        reader.Read();
        reader.ReadHeader();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
            rows.Add(reader.HeaderRecord!.ToDictionary(h => h, h => reader.GetField(h) ?? ""));
        return rows;
    }

    [Fact]
    public async Task BUC4_Step5_PublicCatalogue_WithoutAToken_JsonLdThatJsonldJsExpandsAndCompacts_CsvToo_StrongETagAnd304()
    {
        var name = $"Catalogue Energy {Guid.NewGuid():N}"[..30] + " Ltd";
        var (registration, client) = await app.RegisterActiveAsync(TestData.Registration(name, roles: "fsp"));
        client.Dispose();
        var (pending, pendingClient) = await app.RegisterAsync(); // provisional: not public
        pendingClient.Dispose();
        var (moId, mo) = await app.MarketOperatorAsync();
        using (mo)
        {
            var market = await mo.PublishAsync(OnboardingTestData.Market());
            using var anonymous = app.Anonymous();

            using var response = await anonymous.GetAsync("/api/v1/catalogue");
            await response.ShouldHave(HttpStatusCode.OK);
            Assert.Equal("application/ld+json", response.Content.Headers.ContentType!.MediaType);
            var etag = response.Headers.ETag!;
            Assert.False(etag.IsWeak);
            Assert.True(response.Headers.CacheControl!.Public);
            var body = await response.Content.ReadAsStringAsync();

            var seen = await CheckWithJsonLdAsync(body);
            var participantIri = $"http://localhost/api/v1/participants/{registration.ParticipantId}";
            Assert.Contains(participantIri, seen.GetProperty("organizations").EnumerateArray().Select(e => e.GetString()));
            Assert.DoesNotContain(seen.GetProperty("organizations").EnumerateArray(), e => e.GetString()!.EndsWith(pending.ParticipantId, StringComparison.Ordinal));
            Assert.Equal(name, seen.GetProperty("legalNames").GetProperty(registration.ParticipantId).GetString());
            Assert.Contains($"http://localhost/api/v1/markets/{market.MarketId}", seen.GetProperty("services").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["http://localhost/api/v1/catalogue"], seen.GetProperty("catalogs").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(2, seen.GetProperty("catalogDatasets").GetArrayLength());
            Assert.Equal(2, seen.GetProperty("datasets").GetArrayLength());
            var properties = seen.GetProperty("properties").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Superset(new HashSet<string?> { "https://schema.org/legalName", "https://schema.org/identifier", "https://schema.org/provider",
                "https://schema.org/areaServed", "http://www.w3.org/ns/dcat#dataset", "http://www.w3.org/ns/dcat#distribution", "urn:flexregistry:role" },
                properties.ToHashSet());

            // Unchanged: 304 with the same validator, no body.
            using (var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/catalogue"))
            {
                again.Headers.IfNoneMatch.Add(etag);
                using var notModified = await anonymous.SendAsync(again);
                Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
                Assert.Equal(etag, notModified.Headers.ETag);
                Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
            }

            // CSV: the same participants and markets, its own validator.
            using var csvResponse = await anonymous.GetAsync("/api/v1/catalogue/participants.csv");
            await csvResponse.ShouldHave(HttpStatusCode.OK);
            Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType!.MediaType);
            Assert.NotEqual(etag, csvResponse.Headers.ETag);
            var rows = ReadCsv(await csvResponse.Content.ReadAsStringAsync());
            var row = Assert.Single(rows, r => r["participantId"] == registration.ParticipantId);
            Assert.Equal((name, "active", "fsp"), (row["legalName"], row["status"], row["roles"]));
            Assert.DoesNotContain(rows, r => r["participantId"] == pending.ParticipantId);
            var markets = ReadCsv(await anonymous.GetStringAsync("/api/v1/catalogue/markets.csv"));
            var marketRow = Assert.Single(markets, r => r["marketId"] == market.MarketId);
            Assert.Equal((market.Name, moId, "_C"), (marketRow["name"], marketRow["operatorId"], marketRow["areas"]));

            // A change to the register is a new version: the old validator no longer matches.
            var (_, later) = await app.RegisterActiveAsync();
            later.Dispose();
            using var changed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/catalogue");
            changed.Headers.IfNoneMatch.Add(etag);
            using var fresh = await anonymous.SendAsync(changed);
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
            Assert.NotEqual(etag, fresh.Headers.ETag);
        }
    }

    [Fact]
    public async Task BUC4_Step5_PublicCatalogue_HoldsNoFieldThePublishedVisibilityRuleWithholdsFromOtherParticipants_NorIndividuals()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var request = TestData.Registration($"Quiet Storage {marker} Ltd") with
        {
            ContactEmail = $"contact-{marker}@quiet.example",
            VatNumber = null,
            AuthorisedPerson = new AuthorisedPersonDto { Name = $"Robin {marker}", Email = $"robin-{marker}@quiet.example" },
        };
        var (registration, client) = await app.RegisterActiveAsync(request);
        var individualRequest = TestData.Registration($"Sam {marker} Solar") with { Individual = true, CompanyNumber = null };
        var (individual, individualClient) = await app.RegisterActiveAsync(individualRequest);
        individualClient.Dispose();
        using (client)
        {
            // What the rule withholds from any other participant, as published.
            var rule = await (await client.GetAsync("/api/v1/reference/visibility")).Read<VisibilityResponse>();
            var withheld = rule.Resources.Single(r => r.Resource == "participant").FieldGroups
                .Where(g => g.Access["any-participant"] != "shown").SelectMany(g => g.Fields).ToList();
            Assert.Contains("contactEmail", withheld);

            using var op = await app.OperatorAsync();
            var full = JsonNode.Parse(await op.GetStringAsync($"/api/v1/participants/{registration.ParticipantId}"))!;
            // The values planted in withheld fields (contact email, the Authorised Person) are nowhere in either form.
            var values = withheld.SelectMany(path => Leaves(path.Split('.').Aggregate<string, JsonNode?>(full, (node, step) => node?[step])))
                .Where(v => v.Contains(marker, StringComparison.Ordinal)).ToList();
            Assert.Equal(3, values.Count);

            using var anonymous = app.Anonymous();
            var jsonLd = await anonymous.GetStringAsync("/api/v1/catalogue");
            var csv = await anonymous.GetStringAsync("/api/v1/catalogue/participants.csv");
            Assert.Contains(registration.ParticipantId, jsonLd, StringComparison.Ordinal);
            foreach (var value in values)
            {
                Assert.DoesNotContain(value, jsonLd, StringComparison.Ordinal);
                Assert.DoesNotContain(value, csv, StringComparison.Ordinal);
            }
            // Nor are the withheld fields' names: not as CSV columns, not as properties of any organisation.
            var columns = ReadCsvHeader(csv);
            var organisationKeys = JsonNode.Parse(jsonLd)!["@graph"]!.AsArray()
                .Where(n => n!["@type"]!.GetValue<string>() == "Organization").SelectMany(n => Keys(n!)).ToHashSet();
            Assert.Contains("legalName", organisationKeys);
            foreach (var path in withheld)
            {
                Assert.DoesNotContain(path.Split('.')[0], columns);
                Assert.DoesNotContain(path.Split('.')[^1], organisationKeys);
            }
            // An individual's name is personal data: not in the public catalogue at all.
            Assert.DoesNotContain(individual.ParticipantId, jsonLd, StringComparison.Ordinal);
            Assert.DoesNotContain(marker + " Solar", csv, StringComparison.Ordinal);
        }
    }

    private static string[] ReadCsvHeader(string csv)
    {
        using var reader = new CsvReader(new StringReader(csv), CultureInfo.InvariantCulture);
        reader.Read();
        reader.ReadHeader();
        return reader.HeaderRecord!;
    }

    private static IEnumerable<string> Keys(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [p.Key] : Keys(p.Value).Prepend(p.Key)),
        JsonArray a => a.SelectMany(n => n is null ? [] : Keys(n)),
        _ => [],
    };

    private static IEnumerable<string> Leaves(JsonNode? node) => node switch
    {
        null => [],
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        JsonObject o => o.SelectMany(p => Leaves(p.Value)),
        JsonArray a => a.SelectMany(Leaves),
        _ => [],
    };
}

public sealed class PublicCatalogueTests_Sqlite(SqliteApp app) : PublicCatalogueTests(app), IClassFixture<SqliteApp>;

public sealed class PublicCatalogueTests_Postgres(PostgresApp app) : PublicCatalogueTests(app), IClassFixture<PostgresApp>;
