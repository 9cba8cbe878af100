using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlexRegistry.Tests.Platform;

/// <summary>
/// Issue 21: each class of malformed input, tried on every endpoint that takes that input, as the routing table lists
/// them (so an endpoint added later is tried too): repeated member names (top level and nested), invalid UTF-8, each
/// forbidden character class, numbers sent as strings, over-long text, undeclared content types. Every refusal is a 400
/// (415 for media types) problem with its stable code naming the member, and nothing is stored: the event log, which every
/// change writes to, does not move.
/// </summary>
public abstract class InputClassTests(RegistryApp app, FakeOidcIssuer idp)
{
    private System.Text.Json.JsonSerializerOptions Json => app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    /// <summary>The forbidden character classes: a JSON escape of one character of each, and the code it is refused with.</summary>
    public static readonly TheoryData<string, string> ForbiddenCharacters = new()
    {
        { "\\u0000", InputText.ControlCharacter },
        { "\\u001b", InputText.ControlCharacter },
        { "\\u0085", InputText.ControlCharacter },
        { "\\u2028", InputText.ControlCharacter },
        { "\\u202e", InputText.BidiControl },
        { "\\u2066", InputText.BidiControl },
        { "\\u200b", InputText.InvisibleCharacter },
        { "\\u200d", InputText.InvisibleCharacter },
        { "\\ufeff", InputText.InvisibleCharacter },
        { "\\u00ad", InputText.InvisibleCharacter },
        { "\\ud800", InputText.UnpairedSurrogate },
        { "\\ue000", InputText.NotPrintable },
        { "\\uffff", InputText.NotPrintable },
    };

    /// <summary>A malformed request: the answer's status and problem code, and the field error it must list (at <paramref name="Field"/>, when known).</summary>
    private sealed record Case(string Name, HttpContent Content, HttpStatusCode Status, string Code, string? Field, string? FieldCode = null);

    private HttpClient WithToken(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static StringContent JsonText(string json, string mediaType) => new(json, Encoding.UTF8, mediaType);

    private static string Nest(IReadOnlyList<JsonPropertyInfo>? chain, string leafName, string leafJson)
    {
        var names = chain is null ? [leafName] : chain.Select(p => p.Name).ToList();
        var json = $"\"{names[^1]}\":{leafJson}";
        for (var i = names.Count - 2; i >= 0; i--)
            json = $"\"{names[i]}\":{{{json}}}";
        return "{" + json + "}";
    }

    private static string PathOf(IReadOnlyList<JsonPropertyInfo> chain) => string.Join('.', chain.Select(p => p.Name));

    /// <summary>The malformed bodies for one JSON endpoint, each with the answer it must get.</summary>
    private List<Case> CasesFor(RouteInfo route, string? forbidden, string? forbiddenCode)
    {
        var type = route.RequestType!;
        var media = route.MediaTypes[0];
        var text = RouteInventory.FindMember(type, t => t == typeof(string), Json);
        var obj = RouteInventory.FindMember(type, t => t != typeof(string) && Json.GetTypeInfo(t).Kind == JsonTypeInfoKind.Object, Json);
        var number = RouteInventory.FindMember(type, t => t.IsPrimitive && t != typeof(bool) || t == typeof(decimal), Json);
        var first = Json.GetTypeInfo(type).Properties[0].Name;
        if (forbidden is not null)
        {
            return
            [
                text is null
                    ? new("forbidden character in a member name", JsonText($"{{\"a{forbidden}b\":null}}", media), HttpStatusCode.BadRequest, "request.validation_failed", null, forbiddenCode)
                    : new("forbidden character", JsonText(Nest(text, "", $"\"A{forbidden}B\""), media), HttpStatusCode.BadRequest, "request.validation_failed", PathOf(text), forbiddenCode),
            ];
        }
        var cases = new List<Case>
        {
            new("repeated member", JsonText($"{{\"{first}\":null,\"{first}\":null}}", media), HttpStatusCode.BadRequest, "request.duplicate_member", first),
            new("repeated nested member",
                JsonText(obj is null ? "{\"nested\":{\"a\":null,\"a\":null}}" : Nest(obj, "", "{\"a\":null,\"a\":null}"), media),
                HttpStatusCode.BadRequest, "request.duplicate_member", (obj is null ? "nested" : PathOf(obj)) + ".a"),
            new("invalid UTF-8", new ByteArrayContent([.. "{\""u8, .. Encoding.UTF8.GetBytes(first), .. "\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8])
                { Headers = { ContentType = new MediaTypeHeaderValue(media) } }, HttpStatusCode.BadRequest, "request.encoding_invalid", "$"),
            new("undeclared +json media type", JsonText("{}", "application/json-patch+json"), HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type", null),
            new("text/plain", JsonText("{}", "text/plain"), HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type", null),
            new("a charset other than UTF-8", new StringContent("{}", Encoding.Latin1, media), HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type", null),
        };
        if (number is not null)
            cases.Add(new("number sent as a string", JsonText(Nest(number, "", "\"7\""), media), HttpStatusCode.BadRequest, "request.malformed_json", PathOf(number)));
        if (text is not null)
        {
            var max = StrictJson.RuleOf(text[^1]).MaxLength;
            cases.Add(new("text one longer than its maxLength", JsonText(Nest(text, "", $"\"{new string('a', max + 1)}\""), media),
                HttpStatusCode.BadRequest, "request.validation_failed", PathOf(text), StrictJson.TooLongCode));
        }
        if (media != "application/json")
            cases.Add(new("application/json where another JSON type is declared", JsonText("{}", "application/json"), HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type", null));
        return cases;
    }

    /// <summary>How far the event log goes: every change appends to it, so a refused request must leave it where it was.</summary>
    private static async Task<string> LogPositionAsync(HttpClient op)
    {
        var cursor = "0";
        while (true)
        {
            using var response = await op.GetAsync($"/api/v1/events?after={cursor}&limit=10000");
            var page = await response.Read<JsonObject>();
            var next = page["nextCursor"]!.GetValue<string>();
            if (next == cursor)
                return cursor;
            cursor = next;
        }
    }

    [Theory]
    [MemberData(nameof(ForbiddenCharacters))]
    public Task EveryJsonEndpoint_RefusesEachForbiddenCharacterClass_WithItsCode_AndStoresNothing(string forbidden, string forbiddenCode) =>
        SendToEveryJsonEndpointAsync(forbidden, forbiddenCode);

    /// <summary>Repeated names (top level and nested), invalid UTF-8, numbers as strings, over-long text and undeclared media types.</summary>
    [Fact]
    public Task EveryJsonEndpoint_RefusesEachMalformedClass_WithItsCode_AndStoresNothing() => SendToEveryJsonEndpointAsync(null, null);

    private async Task SendToEveryJsonEndpointAsync(string? forbidden, string? forbiddenCode)
    {
        var routes = RouteInventory.JsonBodies(app.Services);
        Assert.True(routes.Count >= 20, $"the routing table lists {routes.Count} JSON endpoints");
        var (a, aClient) = await app.RegisterActiveAsync();
        aClient.Dispose();
        using var op = await app.OperatorAsync();
        using var person = WithToken(idp.Token("idp-" + Guid.NewGuid().ToString("N"), "someone@flex.example"));
        var before = await LogPositionAsync(op);
        var failures = new List<string>();
        var tried = 0;
        foreach (var route in routes)
        {
            // A caller every route lets through to its body: the registry operator, or a signed-in person for the routes that take one.
            var client = route.ForExternalIdentity ? person : op;
            foreach (var test in CasesFor(route, forbidden, forbiddenCode))
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path(a.ParticipantId)) { Content = test.Content };
                request.Headers.TryAddWithoutValidation("If-Match", "*");
                using var response = await client.SendAsync(request);
                tried++;
                var body = await response.Content.ReadAsStringAsync();
                var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    ? System.Text.Json.JsonSerializer.Deserialize<Problem>(body, ApiExtensions.Json) : null;
                var fieldCode = test.FieldCode ?? test.Code;
                if (response.StatusCode != test.Status || problem?.Code != test.Code)
                    failures.Add($"{route.Key} [{test.Name}] expected {(int)test.Status} {test.Code}, got {(int)response.StatusCode}: {body}");
                else if (test.Status == HttpStatusCode.BadRequest && problem.Errors?.Any(e => e.Code == fieldCode && (test.Field is null || e.Field == test.Field)) != true)
                    failures.Add($"{route.Key} [{test.Name}] lists no error {fieldCode} at {test.Field ?? "a member name"}: {body}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {tried} requests answered otherwise:\n" + string.Join('\n', failures));
        Assert.Equal(before, await LogPositionAsync(op));
    }

    /// <summary>Every write endpoint that takes no body refuses one (415), and every endpoint refuses a media type it does not declare.</summary>
    [Fact]
    public async Task EveryWriteEndpoint_RefusesUndeclaredMediaTypes_With415_AndStoresNothing()
    {
        var (a, aClient) = await app.RegisterActiveAsync();
        aClient.Dispose();
        using var op = await app.OperatorAsync();
        using var person = WithToken(idp.Token("idp-" + Guid.NewGuid().ToString("N"), "someone@flex.example"));
        var before = await LogPositionAsync(op);
        var writes = RouteInventory.All(app.Services)
            .Where(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE" && r.Pattern.StartsWith("api/", StringComparison.Ordinal)).ToList();
        var failures = new List<string>();
        foreach (var route in writes)
        {
            // A caller every route lets through to its body: the registry operator, or a signed-in person for the routes that take one.
            var client = route.ForExternalIdentity ? person : op;
            var undeclared = new[] { "application/json-patch+json", "application/xml", "text/csv", "application/json" }.Where(m => !route.MediaTypes.Contains(m));
            foreach (var media in undeclared)
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path(a.ParticipantId)) { Content = JsonText("{}", media) };
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.UnsupportedMediaType || !body.Contains("\"request.unsupported_media_type\"", StringComparison.Ordinal))
                    failures.Add($"{route.Key} with {media}: {(int)response.StatusCode} {body}");
            }
        }
        Assert.True(writes.Count >= 30, $"the routing table lists {writes.Count} write endpoints");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(before, await LogPositionAsync(op));
    }

    /// <summary>The same rules for the bulk import, row by row: each forbidden character class in a CSV cell and an NDJSON member, numbers as strings, repeated names.</summary>
    [Fact]
    public async Task BUC2_Step1_Import_AppliesTheSameTextAndJsonRules_AsSingleWrites()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var header = string.Join(',', FlexRegistry.Assets.Imports.AssetImportReader.Columns);
            var csv = new StringBuilder(header + "\n");
            var ndjson = new StringBuilder();
            var expected = new List<string>();
            foreach (var row in ForbiddenCharacters)
            {
                var (escape, code) = row.Data;
                if (code == InputText.UnpairedSurrogate)
                    continue; // a lone surrogate cannot be written in UTF-8 at all: the file is refused whole (below)
                var character = System.Text.RegularExpressions.Regex.Unescape(escape);
                var model = TestData.Chargepoint() with { Model = $"zappi{character}v2" };
                csv.Append(Assets.AssetImportTests.CsvLine(model));
                ndjson.Append(System.Text.Json.JsonSerializer.Serialize(model, ApiExtensions.Json)).Append('\n');
                expected.Add(code);
            }
            var valid = System.Text.Json.JsonSerializer.SerializeToNode(TestData.Chargepoint(), ApiExtensions.Json)!.AsObject();
            valid["importCapacityKw"] = "7";
            ndjson.Append(valid.ToJsonString()).Append('\n');
            ndjson.Append("{\"type\":\"ev-chargepoint\",\"type\":\"heat-pump\"}\n");

            var csvResults = await ImportAsync(fsp, csv.ToString(), "text/csv");
            Assert.Equal(expected, csvResults.Select(r => Assert.Single(r.Errors!, e => e.Field == "model").Code));
            var ndjsonResults = await ImportAsync(fsp, ndjson.ToString(), "application/x-ndjson");
            Assert.Equal(expected, ndjsonResults.Take(expected.Count).Select(r => Assert.Single(r.Errors!, e => e.Field == "model").Code));
            Assert.Contains(ndjsonResults[^2].Errors!, e => e is { Field: "importCapacityKw", Code: "request.malformed_json" });
            Assert.Contains(ndjsonResults[^1].Errors!, e => e is { Field: "type", Code: "request.duplicate_member" });
            Assert.All(csvResults.Concat(ndjsonResults), r => Assert.Equal("invalid", r.Outcome));

            // Not UTF-8 (a lone surrogate, or any invalid byte): the file is refused whole, nothing staged.
            using var bad = new ByteArrayContent([.. Encoding.UTF8.GetBytes(header + "\n"), 0xED, 0xA0, 0x80, .. "\n"u8]);
            bad.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            using var refused = await fsp.PostAsync("/api/v1/asset-imports", bad);
            await refused.ReadProblem(HttpStatusCode.BadRequest, "import.encoding_invalid");
        }
    }

    private static async Task<List<AssetImportRowResult>> ImportAsync(HttpClient fsp, string file, string mediaType)
    {
        using var response = await Assets.AssetImportTests.PostAsync(fsp, file, mediaType);
        var started = await response.Read<AssetImportStatus>(HttpStatusCode.Accepted);
        await Assets.AssetImportTests.WaitAsync(fsp, started.ImportId);
        return [.. await Assets.AssetImportTests.ResultsAsync(fsp, started.ImportId)];
    }

    /// <summary>A number sent as a string is refused the same way by the dry-run check, the single write, the patch and the import.</summary>
    [Fact]
    public async Task BUC2_Step2_NumberAsString_IsRefusedAlikeByCheckWritePatchAndImport()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var body = System.Text.Json.JsonSerializer.SerializeToNode(TestData.Chargepoint(), ApiExtensions.Json)!.AsObject();
            body["importCapacityKw"] = "7";
            foreach (var path in new[] { "/api/v1/assets/check", "/api/v1/assets" })
            {
                using var response = await fsp.PostAsync(path, JsonText(body.ToJsonString(), "application/json"));
                var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.malformed_json");
                Assert.Contains(problem.Errors!, e => e is { Field: "importCapacityKw", Code: "request.malformed_json" });
            }
            using var created = await fsp.PostAsync("/api/v1/assets", JsonText(System.Text.Json.JsonSerializer.Serialize(TestData.Chargepoint(), ApiExtensions.Json), "application/json"));
            await created.ShouldHave(HttpStatusCode.Created);
            using var patch = new HttpRequestMessage(HttpMethod.Patch, created.Headers.Location) { Content = JsonText("{\"importCapacityKw\":\"7\"}", MergePatch.MediaType) };
            patch.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.Tag);
            using var patched = await fsp.SendAsync(patch);
            var patchProblem = await patched.ReadProblem(HttpStatusCode.BadRequest, "request.malformed_json");
            Assert.Contains(patchProblem.Errors!, e => e is { Field: "importCapacityKw", Code: "request.malformed_json" });
            var imported = await ImportAsync(fsp, body.ToJsonString() + "\n", "application/x-ndjson");
            Assert.Contains(Assert.Single(imported).Errors!, e => e is { Field: "importCapacityKw", Code: "request.malformed_json" });
        }
    }

    /// <summary>Accepted text is stored trimmed and in NFC, whichever way it came in.</summary>
    [Fact]
    public async Task AcceptedText_IsStoredTrimmedAndInNfc()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var decomposed = "  Cafe\u0301 Heat  ";
            var request = TestData.Chargepoint() with { Model = decomposed };
            using var created = await fsp.PostAsync("/api/v1/assets", JsonText(System.Text.Json.JsonSerializer.Serialize(request, ApiExtensions.Json), "application/json"));
            await created.ShouldHave(HttpStatusCode.Created);
            using var read = await fsp.GetAsync(created.Headers.Location);
            var asset = await read.Read<AssetResponse>();
            Assert.Equal("Caf\u00e9 Heat", asset.Model);
        }
    }
}

public sealed class InputClassTests_Sqlite(SqliteExternalIssuerApp app) : InputClassTests(app, app.Idp), IClassFixture<SqliteExternalIssuerApp>;

public sealed class InputClassTests_Postgres(PostgresExternalIssuerApp app) : InputClassTests(app, app.Idp), IClassFixture<PostgresExternalIssuerApp>;
