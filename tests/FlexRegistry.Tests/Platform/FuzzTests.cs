using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Platform;

/// <summary>
/// Issue 21: a property-based fuzz of every write operation of the served OpenAPI document (CsCheck). Bodies are generated
/// from each operation's request schema — members present or not, text within and beyond its maxLength and with forbidden
/// characters, numbers within and beyond their bounds or sent as strings, arrays beyond maxItems, wrong JSON types,
/// repeated member names — and path parameters from theirs. Every answer must be below 500; every error an RFC 9457
/// problem with a stable code; and a refused request must store nothing (the event log, which every change writes to,
/// does not move). The seed is printed on failure, so a failing case can be replayed.
/// </summary>
public abstract class FuzzTests(RegistryApp app, FakeOidcIssuer idp, ITestOutputHelper output)
{
    /// <summary>Cases per operation: with about 40 write operations, some 1,200 cases per database (about 40 s each on a quiet machine).</summary>
    private const int CasesPerOperation = 30;

    private static readonly string[] Nasty =
    [
        "\u0000", "\u001b", "\u202e", "\u2066", "\u200b", "\ufeff", "\ud800", "\uffff", "\ue000", "\u2028", "\n", "\t", "e\u0301", "😀",
        "'", "\"", "\\", "<script>", "../", "%00", "${x}", "{{x}}", "DROP TABLE assets;--", " ",
    ];

    private sealed record Operation(string Method, string Path, JsonObject Definition, JsonNode? BodySchema, string? MediaType, bool Person);

    private sealed record Case(Operation Operation, string Path, string? Body, string? Mutation);

    [Fact]
    public async Task EveryWriteOperation_UnderGeneratedInput_Never5xx_AlwaysAProblemWithACode_AndRefusalsStoreNothing()
    {
        using var anonymous = app.Anonymous();
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        var operations = Operations(document);
        Assert.True(operations.Count >= 35, $"the document lists {operations.Count} write operations");

        var (a, aClient) = await app.RegisterActiveAsync();
        aClient.Dispose();
        var op = await app.OperatorAsync();
        using var person = app.CreateClient();
        person.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", idp.Token("idp-fuzz", "fuzz@flex.example"));

        var position = await LogPositionAsync(op);
        var cases = 0;
        var statuses = new SortedDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        foreach (var operation in operations)
        {
            var gen = CaseGen(operation, schemas, a.ParticipantId);
            await gen.SampleAsync(async test =>
            {
                var client = operation.Person ? person : op;
                var before = position;
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), test.Path);
                if (test.Body is not null)
                    request.Content = new StringContent(test.Body, Encoding.UTF8, operation.MediaType ?? "application/json");
                request.Headers.TryAddWithoutValidation("If-Match", "*");
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                Interlocked.Increment(ref cases);
                lock (statuses)
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var where = $"{operation.Method} {test.Path} {test.Mutation} {test.Body}";
                Assert.True(status < 500, $"{where} answered {status}: {body}");
                if (status < 300 && operation.Path.EndsWith("/signing-keys/rotate", StringComparison.Ordinal))
                {
                    // An emergency rotation ends every token, the fuzzer's own too.
                    op.Dispose();
                    op = await app.OperatorAsync();
                }
                if (status >= 400)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    var code = JsonNode.Parse(body)?["code"]?.GetValue<string>();
                    Assert.False(string.IsNullOrEmpty(code), $"{where} answered {status} without a code: {body}");
                    using var after = await op.GetAsync($"/api/v1/events?after={before}&limit=1");
                    Assert.Empty((await after.Read<JsonObject>())["items"]!.AsArray());
                }
                else
                {
                    position = await LogPositionAsync(op, position);
                }
            }, iter: CasesPerOperation, threads: 1, print: t => $"{t.Operation.Method} {t.Path} {t.Mutation} {t.Body}");
        }
        op.Dispose();
        output.WriteLine($"{cases} cases over {operations.Count} operations in {clock.Elapsed.TotalSeconds:F1} s; statuses: " +
                         string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
    }

    /// <summary>Every POST, PUT, PATCH and DELETE of the document, with the schema of its JSON body if it takes one.</summary>
    private static List<Operation> Operations(JsonObject document)
    {
        var list = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, definition) in item!.AsObject())
            {
                if (method is not ("post" or "put" or "patch" or "delete"))
                    continue;
                var content = definition!["requestBody"]?["content"]?.AsObject();
                var json = content?.FirstOrDefault(c => c.Key.EndsWith("json", StringComparison.Ordinal) && !c.Key.Contains("ndjson", StringComparison.Ordinal));
                // An upload (CSV/NDJSON) is fuzzed as text of its own media type.
                var upload = json?.Key is null ? content?.FirstOrDefault() : null;
                var person = definition["security"]?.AsArray().Count == 1 && path.Contains("invitations", StringComparison.Ordinal);
                list.Add(new Operation(method.ToUpperInvariant(), path, definition.AsObject(), json?.Value?["schema"] ?? upload?.Value?["schema"], json?.Key ?? upload?.Key, person));
            }
        }
        return list;
    }

    private static Gen<Case> CaseGen(Operation operation, JsonObject schemas, string participantId)
    {
        var parameters = operation.Definition["parameters"]?.AsArray().Where(p => p!["in"]!.GetValue<string>() == "path").Select(p => p!["name"]!.GetValue<string>()).ToList() ?? [];
        var pathGen = parameters.Aggregate(Gen.Const(operation.Path), (acc, name) => acc.Select(PathValue(participantId), (path, value) => path.Replace("{" + name + "}", value, StringComparison.Ordinal)));
        if (operation.BodySchema is null)
            return pathGen.Select(p => new Case(operation, p, null, null));
        if (operation.MediaType is "text/csv" or "application/x-ndjson")
            return pathGen.Select(Gen.String[Gen.Char["type,mpan;\"\n\r\u0000\u202e\u00e9{}:0123456789abc"], 0, 300], (p, b) => new Case(operation, p, b, "upload"));
        var body = Value(operation.BodySchema, schemas, 0);
        return pathGen.Select(body, Mutation(), (path, node, mutation) =>
        {
            var text = node?.ToJsonString() ?? "null";
            return mutation switch
            {
                // A repeated member name, inserted as text (JsonNode cannot hold one).
                "repeat" when node is JsonObject { Count: > 0 } o => new Case(operation, path, text.Insert(1, $"\"{o.First().Key}\":null,"), mutation),
                "not-json" => new Case(operation, path, text[..(text.Length / 2)], mutation),
                _ => new Case(operation, path, text, null),
            };
        });
    }

    private static Gen<string?> Mutation() => Gen.Frequency((8, Gen.Const((string?)null)), (1, Gen.Const<string?>("repeat")), (1, Gen.Const<string?>("not-json")));

    private static Gen<string> PathValue(string participantId) => Gen.Frequency(
        (4, Gen.Const(participantId)),
        (2, Gen.Const(Guid.NewGuid().ToString())),
        (2, Gen.String[Gen.Char["abcXYZ019-_.~"], 1, 40]),
        (1, Gen.OneOf([.. Nasty.Where(n => n != "\u0000" && n != "%00")]).Select(Uri.EscapeDataString)));

    /// <summary>A JSON value for a schema: mostly fitting it, often just outside it.</summary>
    private static Gen<JsonNode?> Value(JsonNode schema, JsonObject schemas, int depth)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
            return depth > 6 ? Gen.Const((JsonNode?)null) : Value(schemas[reference.Split('/')[^1]]!, schemas, depth + 1);
        if (schema["oneOf"] is JsonArray oneOf)
            return Gen.OneOf([.. oneOf.Select(s => Value(s!, schemas, depth))]);
        var types = schema["type"] switch
        {
            JsonArray array => array.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue value => [value.GetValue<string>()],
            _ => ["string", "number", "object"],
        };
        var options = types.Select(t => t switch
        {
            "null" => Gen.Const((JsonNode?)null),
            "string" => Text(schema),
            "integer" => Number(schema, integer: true),
            "number" => Number(schema, integer: false),
            "boolean" => Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
            "array" => Array(schema, schemas, depth),
            "object" => Object(schema, schemas, depth),
            _ => Gen.Const((JsonNode?)null),
        }).ToList();
        var fitting = Gen.OneOf([.. options]);
        // Now and then a value of another JSON type altogether.
        return Gen.Frequency((12, fitting), (1, Gen.OneOf<JsonNode?>(JsonValue.Create(7), JsonValue.Create("7"), JsonValue.Create(true), new JsonArray(), new JsonObject())));
    }

    private static Gen<JsonNode?> Text(JsonNode schema)
    {
        if (schema["enum"] is JsonArray values && values.Count > 0)
            return Gen.OneOf([.. values.Select(v => v?.DeepClone())]);
        var max = schema["maxLength"]?.GetValue<int>() ?? 1000;
        var plain = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.@/"], 0, Math.Min(max, 60)];
        return Gen.Frequency(
            (6, plain),
            (2, Gen.OneOf("FRP-", "heat-pump", "ev-chargepoint", "planned", "commissioned", "2024-01-01", "SW1A 1AA", "https://93.184.216.34/hook",
                "participants:read", "flexregistry.asset.registered", "1200023305967", "market-operator", "x@flex.example")),
            (2, plain.Select(Gen.OneOf(Nasty), Gen.Int[0, 5], (s, nasty, at) => s.Insert(Math.Min(at, s.Length), nasty))),
            (1, Gen.Int[max + 1, max + 5].Select(n => new string('a', n))))
            .Select(s => (JsonNode?)JsonValue.Create(s));
    }

    private static Gen<JsonNode?> Number(JsonNode schema, bool integer)
    {
        static double Bound(JsonNode? n, double fallback) => n is null ? fallback : double.Parse(n.ToJsonString().Trim('"'), CultureInfo.InvariantCulture);
        var min = Bound(schema["minimum"], -1e6);
        var max = Bound(schema["maximum"], 1e6);
        var within = integer
            ? Gen.Long[(long)Math.Max(min, -1e6), (long)Math.Min(max, 1e6)].Select(l => (JsonNode?)JsonValue.Create(l))
            : Gen.Double[Math.Max(min, -1e6), Math.Min(max, 1e6)].Select(d => (JsonNode?)JsonValue.Create(Math.Round(d, 3)));
        return Gen.Frequency(
            (6, within),
            (1, Gen.OneOf<JsonNode?>(JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(1.5), JsonValue.Create(1e308), JsonValue.Create(-1e308),
                JsonValue.Create(long.MaxValue), JsonValue.Create(2147483648L), JsonValue.Create(decimal.MaxValue))),
            (1, within.Select(n => (JsonNode?)JsonValue.Create(n!.ToJsonString()))));
    }

    private static Gen<JsonNode?> Array(JsonNode schema, JsonObject schemas, int depth)
    {
        var max = Math.Min(schema["maxItems"]?.GetValue<int>() ?? 5, 6);
        var items = schema["items"] is JsonNode itemSchema ? Value(itemSchema, schemas, depth + 1) : Gen.Const<JsonNode?>(JsonValue.Create("x"));
        return Gen.Frequency(
            (8, items.Array[0, max]),
            (1, items.Array[max + 1, max + 3]))
            .Select(values => (JsonNode?)new JsonArray([.. values.Select(v => v?.DeepClone())]));
    }

    private static Gen<JsonNode?> Object(JsonNode schema, JsonObject schemas, int depth)
    {
        var properties = schema["properties"]?.AsObject().ToList() ?? [];
        if (depth > 6 || properties.Count == 0)
            return Gen.Const<JsonNode?>(new JsonObject());
        var members = properties.Aggregate(Gen.Const(new List<(string, JsonNode?)>()), (acc, p) =>
            acc.Select(Gen.Frequency((3, Value(p.Value!, schemas, depth + 1).Select(v => (true, v))), (1, Gen.Const((false, (JsonNode?)null)))),
                (list, member) => member.Item1 ? [.. list, (p.Key, member.Item2)] : list));
        // Sometimes a member the schema does not have.
        return members.Select(Gen.Int[0, 9], (list, extra) =>
        {
            var o = new JsonObject();
            foreach (var (name, value) in list)
                o[name] = value?.DeepClone();
            if (extra == 0)
                o["unexpected"] = "x";
            return (JsonNode?)o;
        });
    }

    /// <summary>The last sequence in the event log, read onwards from <paramref name="from"/> (cheap when little was appended).</summary>
    private static async Task<string> LogPositionAsync(HttpClient op, string from = "0")
    {
        var cursor = from;
        while (true)
        {
            using var response = await op.GetAsync($"/api/v1/events?after={cursor}&limit=1000");
            var next = (await response.Read<JsonObject>())["nextCursor"]!.GetValue<string>();
            if (next == cursor)
                return cursor;
            cursor = next;
        }
    }
}

public sealed class FuzzTests_Sqlite(SqliteExternalIssuerApp app, ITestOutputHelper output) : FuzzTests(app, app.Idp, output), IClassFixture<SqliteExternalIssuerApp>;

public sealed class FuzzTests_Postgres(PostgresExternalIssuerApp app, ITestOutputHelper output) : FuzzTests(app, app.Idp, output), IClassFixture<PostgresExternalIssuerApp>;
