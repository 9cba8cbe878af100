using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlexRegistry.Shared;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Platform;

/// <summary>JSON merge patch exactly as RFC 7396 defines it: the RFC's own examples (Appendix A).</summary>
public sealed class MergePatchTests
{
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Rfc7396_AppendixA(string original, string patch, string expected)
    {
        var target = JsonNode.Parse(original);
        var result = MergePatch.Apply(target, JsonNode.Parse(patch));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), $"{original} + {patch} gave {result?.ToJsonString() ?? "null"}, not {expected}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(original), target), "the target is left as it was");
    }
}

/// <summary>If-Match per RFC 9110 §13.1.1 on every updatable resource, through the one shared helper.</summary>
public abstract class HttpSemanticsTests(RegistryApp app)
{
    private static HttpRequestMessage Patch(string location, string? ifMatch, string json = """{"model":"zappi v2.2 7kW"}""")
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new StringContent(json, Encoding.UTF8, MergePatch.MediaType) };
        if (ifMatch is not null)
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    [Fact]
    public async Task BUC2_Step7_IfMatch_ListsMatchWhenAnyStrongTagMatches_WeakTagsNever_MalformedIs400()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            using var created = await fsp.PostAsJsonAsync("/api/v1/assets", TestData.Chargepoint());
            await created.ShouldHave(HttpStatusCode.Created);
            var location = created.Headers.Location!.OriginalString;
            var etag = created.Headers.ETag!.Tag;

            // Weak tags never match under the strong comparison, alone or in a list; a list of other versions does not either.
            foreach (var header in new[] { $"W/{etag}", $"W/{etag}, W/\"0123\"", "\"0123456789abcdef0123456789abcdef\", \"other\"" })
            {
                using var refused = await fsp.SendAsync(Patch(location, header));
                await refused.ReadProblem(HttpStatusCode.PreconditionFailed, "resource.precondition_failed");
            }
            // Malformed: not * and not entity tags, or * mixed with tags.
            foreach (var header in new[] { "abc", $"*, {etag}", "\"unterminated" })
            {
                using var malformed = await fsp.SendAsync(Patch(location, header));
                await malformed.ReadProblem(HttpStatusCode.BadRequest, "request.if_match_invalid");
            }
            // Nothing changed so far: the ETag still stands.
            using (var unchanged = await fsp.GetAsync(location))
                Assert.Equal(etag, unchanged.Headers.ETag!.Tag);

            // A list matches when any of its strong tags is the current one.
            using var listed = await fsp.SendAsync(Patch(location, $"\"0123456789abcdef0123456789abcdef\", W/\"x\", {etag}"));
            await listed.ShouldHave(HttpStatusCode.OK);
            var next = listed.Headers.ETag!.Tag;
            Assert.NotEqual(etag, next);
            // The old tag no longer matches; * names no version, which an asset change must (BUC.2 step 7b: 428); the current tag does.
            using (var stale = await fsp.SendAsync(Patch(location, etag, """{"model":"zappi v2.3 7kW"}""")))
                await stale.ReadProblem(HttpStatusCode.PreconditionFailed, "resource.precondition_failed");
            using (var any = await fsp.SendAsync(Patch(location, "*", """{"model":"zappi v2.3 7kW"}""")))
                await any.ReadProblem(HttpStatusCode.PreconditionRequired, "resource.precondition_required");
            using var named = await fsp.SendAsync(Patch(location, next, """{"model":"zappi v2.3 7kW"}"""));
            await named.ShouldHave(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task CommercialInformation_IfMatch_FollowsTheSameRules()
    {
        var (registered, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var url = $"/api/v1/participants/{registered.ParticipantId}/commercial-information";
            using var first = await fsp.PutAsJsonAsync(url, Participants.CommercialInformationTests.ValidForFsp());
            await first.ShouldHave(HttpStatusCode.OK);
            var etag = first.Headers.ETag!.Tag;
            using (var weak = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(Participants.CommercialInformationTests.ValidForFsp()) })
            {
                weak.Headers.TryAddWithoutValidation("If-Match", "W/" + etag);
                using var response = await fsp.SendAsync(weak);
                await response.ReadProblem(HttpStatusCode.PreconditionFailed, "resource.precondition_failed");
            }
            using var listed = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(Participants.CommercialInformationTests.ValidForFsp()) };
            listed.Headers.TryAddWithoutValidation("If-Match", $"\"nope\", {etag}");
            using var ok = await fsp.SendAsync(listed);
            await ok.ShouldHave(HttpStatusCode.OK);
        }
    }
}

public sealed class HttpSemanticsTests_Sqlite(SqliteApp app) : HttpSemanticsTests(app), IClassFixture<SqliteApp>;

public sealed class HttpSemanticsTests_Postgres(PostgresApp app) : HttpSemanticsTests(app), IClassFixture<PostgresApp>;
