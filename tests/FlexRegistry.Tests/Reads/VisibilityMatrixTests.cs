using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Assets;
using FlexRegistry.Tests.Events;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Market;
using FlexRegistry.Tests.Participants;

namespace FlexRegistry.Tests.Reads;

/// <summary>
/// The visibility matrix, driven by the rule the register publishes (<c>GET /api/v1/reference/visibility</c>): a reader
/// for every relationship, and for each the asset and participant data on every read surface — by ID, search, export
/// as NDJSON and CSV, the asset's history and as-of reads, commercial information, the pull feed and webhook payloads.
/// Every field any of them returns must belong to a published field group (or be a key), every group the table shows
/// must be there, and no group it withholds may be: a new field, or a new surface leaking one, fails here before it ships.
/// </summary>
/// <remarks>
/// Every published relationship has a reader (the test fails when one is added without): the operating FSP holds an
/// operator claim in force on the asset; the owner and the installer are active asset parties (the installer holds the
/// owner's column, docs/visibility.md). History and as-of reads are the asset's parties' surfaces (docs/assets.md): a
/// reader holding no party relationship gets 404 there whatever the rule shows it of the asset today.
/// </remarks>
public abstract class VisibilityMatrixTests(RegistryApp app)
{
    private const string Purpose = "procurement";

    private WebhookReceiver Receiver => ((IHaveWebhookReceiver)app).Receiver;

    private sealed record Reader(string Name, string? Id, HttpClient Client, IReadOnlySet<string> Relationships, string? Hook);

    private sealed record Table(VisibilityResponse Rule)
    {
        public IReadOnlyList<FieldGroupDto> Groups(string resource) => Rule.Resources.Single(r => r.Resource == resource).FieldGroups;

        public IReadOnlyList<string> Keys(string resource) => Rule.Resources.Single(r => r.Resource == resource).KeyFields;

        /// <summary>The group a path belongs to (its field, or a field it lies under); null for a key; throws for a path no group declares.</summary>
        public string? GroupOf(string resource, string path, bool inEvent)
        {
            static bool Under(string p, string field) => p == field || p.StartsWith(field + ".", StringComparison.Ordinal);
            if (Keys(resource).Any(k => Under(path, k)))
                return null;
            var groups = Groups(resource).Where(g => (inEvent ? g.EventFields : g.Fields).Any(f => Under(path, f))).Select(g => g.Code).ToList();
            return groups.Count switch
            {
                1 => groups[0],
                0 => throw new UnclassifiedField($"{resource} {(inEvent ? "event" : "field")} {path} belongs to no published field group"),
                _ => throw new UnclassifiedField($"{resource} {(inEvent ? "event" : "field")} {path} is claimed by {string.Join(", ", groups)}"),
            };
        }

        /// <summary>What a reader with these relationships, holding grants over <paramref name="granted"/>, sees of the resource.</summary>
        public HashSet<string> Shown(string resource, IReadOnlySet<string> relationships, HashSet<string> granted) =>
        [
            .. Groups(resource).Where(g => relationships.Any(r => g.Access[r] == "shown" || (g.Access[r] == "under-grant" && granted.Contains(g.Code))))
                .Select(g => g.Code),
        ];
    }

    private sealed class UnclassifiedField(string message) : Exception(message);

    [Fact]
    public async Task EveryRelationship_OnEveryReadSurface_SeesExactlyThePublishedFieldGroups()
    {
        using var anonymous = app.Anonymous();
        await (await anonymous.GetAsync("/api/v1/reference/visibility")).ShouldHave(HttpStatusCode.Unauthorized);
        var (aRegistration, a) = await app.RegisterActiveAsync();
        var (mRegistration, m) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        var (gRegistration, g) = await app.RegisterActiveAsync();
        var (bRegistration, b) = await app.RegisterActiveAsync();
        var (fRegistration, f) = await app.RegisterActiveAsync();
        var (ownerId, ownerClient) = await AssetApi.ParticipantAsync(app, "flex-owner");
        var (installerId, installerClient) = await AssetApi.ParticipantAsync(app, "installer");
        using var o = await app.OperatorAsync();
        using (a)
        using (m)
        using (g)
        using (b)
        using (f)
        using (ownerClient)
        using (installerClient)
        {
            var table = new Table(await (await a.GetAsync("/api/v1/reference/visibility")).Read<VisibilityResponse>());
            var aId = aRegistration.ParticipantId;
            Reader[] readers =
            [
                new("registrant", aId, a, Set("registrant", "any-participant"), Receiver.NewUrl()),
                new("market operator", mRegistration.ParticipantId, m, Set("market-or-system-operator", "any-participant"), Receiver.NewUrl()),
                new("grantee", gRegistration.ParticipantId, g, Set("grantee", "any-participant"), Receiver.NewUrl()),
                new("another participant", bRegistration.ParticipantId, b, Set("any-participant"), Receiver.NewUrl()),
                new("operating FSP", fRegistration.ParticipantId, f, Set("operating-fsp", "any-participant"), Receiver.NewUrl()),
                new("owner", ownerId, ownerClient, Set("owner", "any-participant"), Receiver.NewUrl()),
                new("installer", installerId, installerClient, Set("owner", "any-participant"), Receiver.NewUrl()),
                new("registry operator", null, o, Set("registry-operator", "any-participant"), Receiver.NewUrl()),
                new("public", null, anonymous, Set("public"), null),
            ];
            Assert.Empty(table.Rule.Relationships.Select(r => r.Code).Except(readers.SelectMany(r => r.Relationships)));
            var types = await (await o.GetAsync("/api/v1/events/types")).Read<List<string>>();
            var subscribedAt = new Dictionary<string, long>();
            foreach (var reader in readers.Where(r => r.Hook is not null))
                subscribedAt[reader.Name] = long.Parse((await reader.Client.SubscribeAsync(reader.Hook!, [.. types])).Subscription.Cursor, System.Globalization.CultureInfo.InvariantCulture);

            // The world: A's asset with every field filled, its commercial information, everything grantable granted to G.
            var request = ReadTestData.FullChargepoint();
            var assetId = await a.RegisterAssetAsync(request);
            // Its parties beside the registrant, before anything else happens to it, so they hear every later event.
            using (var claimed = await f.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(assetId, "dso-flexibility", MarketTestData.Now.AddMinutes(-1))))
                await claimed.ShouldHave(HttpStatusCode.Created);
            await AssetApi.AttachAsync(a, ownerClient, ownerId, assetId, "owner", AssetApi.Consent());
            await AssetApi.AttachAsync(a, installerClient, installerId, assetId, "installer");
            await (await a.PutAsJsonAsync($"/api/v1/participants/{aId}/commercial-information", CommercialInformationTests.ValidForFsp())).ShouldHave(HttpStatusCode.OK);
            var grantable = table.Rule.GrantParts.Where(p => p != "commercial-information").ToList();
            foreach (var part in grantable)
                await a.GrantAsync(aId, part, Purpose, grantee: gRegistration.ParticipantId);
            var grantedToG = table.Rule.Resources.SelectMany(r => r.FieldGroups).Where(f => f.GrantPart is not null).Select(f => f.Code).ToHashSet();
            // Events of every kind about the asset: an update, a duplicate attempt, reads (6a, opted in).
            await (await a.PutAsJsonAsync($"/api/v1/participants/{aId}/access-notifications", new AccessNotificationsRequest { AllAssets = true }))
                .ShouldHave(HttpStatusCode.OK);
            using (var read = await a.GetAsync($"/api/v1/assets/{assetId}"))
            using (var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/assets/{assetId}")
            {
                Content = new StringContent("""{"model":"zappi v2.1 7kW"}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
            })
            {
                await read.ShouldHave(HttpStatusCode.OK);
                patch.Headers.IfMatch.Add(read.Headers.ETag!);
                await (await a.SendAsync(patch)).ShouldHave(HttpStatusCode.OK);
            }
            await (await b.PostAsJsonAsync("/api/v1/assets", request)).ShouldHave(HttpStatusCode.Conflict);
            // A near duplicate of it: a case for review, raised as an event to the asset's parties.
            var near = TestData.NearDuplicateOf(request);
            Assert.NotNull((await (await a.PostAsJsonAsync("/api/v1/assets", near)).Read<RegisterAssetResponse>(HttpStatusCode.Created)).DuplicateCaseId);
            // Versions touching every group the registrant may change, with reasons (its working notes): the history's cells.
            await ChangeAsync(a, assetId, (id, tag) => AssetApi.TransitionAsync(a, id, "upgrade", new UpgradeAssetRequest { ImportCapacityKw = 11m, Reason = "Second module fitted" }, tag));
            await ChangeAsync(a, assetId, (id, tag) => AssetApi.TransitionAsync(a, id, "move-meter-point", new MoveMeterPointRequest { Mpan = TestData.Mpan(10), Reason = "Meter exchanged" }, tag));
            var last = await ChangeAsync(a, assetId, (id, tag) => AssetApi.PatchAsync(a, id, """{"address":{"line1":"2 New Road"},"location":{"latitude":52.2061,"longitude":0.1225}}""", tag));
            var asOf = Uri.EscapeDataString(last.UpdatedAt!.Value.ToString("O"));
            // The registrant's own view fixes which groups each surface carries; wait for the confirmation worker's note.
            var full = await EventTestData.Eventually(() => a.ReadAssetAsync(assetId, null), r => r.ConfirmationNote is not null);
            Assert.Empty(full.WithheldGroups!);
            var history = await AssetApi.HistoryAsync(a, assetId);
            Assert.True(history.Items.Count >= 5 && history.Items.Any(i => i.Reason is not null), "the registrant's history holds the versions made above, with reasons");

            var problems = new List<string>();
            static async Task<IReadOnlyList<(string Path, bool InEvent)>?> Fields(Task<JsonElement?> read) =>
                await read is { } json ? [.. Paths(json).Select(p => (p, false))] : null;
            var surfaces = new (string Name, string Resource, Func<Reader, Task<IReadOnlyList<(string Path, bool InEvent)>?>> Read, IReadOnlySet<string>? Gate, bool PartiesOnly)[]
            {
                ("GET asset", "asset", r => Fields(GetAsync(r, $"/api/v1/assets/{assetId}?purpose={Purpose}")), null, false),
                ("GET asset as of", "asset", r => Fields(GetAsync(r, $"/api/v1/assets/{assetId}?purpose={Purpose}&asOf={asOf}")), null, true),
                ("history", "asset", r => HistoryPathsAsync(r, assetId, problems), null, true),
                ("search", "asset", r => Fields(SearchHitAsync(r, assetId)), null, false),
                ("export NDJSON", "asset", r => Fields(ExportRowAsync(r, assetId, "ndjson")), null, false),
                ("export CSV", "asset", r => Fields(ExportRowAsync(r, assetId, "csv")), null, false),
                ("GET participant", "participant", r => Fields(GetAsync(r, $"/api/v1/participants/{aId}?purpose={Purpose}")), null, false),
                ("commercial information", "participant", r => Fields(GetAsync(r, $"/api/v1/participants/{aId}/commercial-information?purpose={Purpose}")),
                    table.Groups("participant").Where(f => f.Code.StartsWith("commercial-information.", StringComparison.Ordinal)).Select(f => f.Code).ToHashSet(), false),
            };
            foreach (var (name, resource, read, gate, partiesOnly) in surfaces)
            {
                var carried = (await read(readers[0]) ?? throw new InvalidOperationException($"The registrant cannot read its {name}"))
                    .Select(p => Classify(table, resource, p.Path, p.InEvent, problems, name)).OfType<string>().ToHashSet();
                foreach (var reader in readers)
                {
                    var shown = table.Shown(resource, reader.Relationships, reader.Name == "grantee" ? grantedToG : new HashSet<string>());
                    var expected = shown.Intersect(carried).ToHashSet();
                    var visible = expected.Intersect(gate ?? carried).Any() && (!partiesOnly || reader.Relationships.Overlaps(PartyRelationships));
                    var answer = await read(reader);
                    if (answer is null)
                    {
                        if (visible)
                            problems.Add($"{name} [{reader.Name}]: nothing returned, but the rule shows {string.Join(", ", expected)}");
                        continue;
                    }
                    if (!visible)
                        problems.Add($"{name} [{reader.Name}]: returned, but the rule shows it none of {string.Join(", ", gate ?? carried)}");
                    var present = answer.Select(p => (p.Path, Group: Classify(table, resource, p.Path, p.InEvent, problems, name))).ToList();
                    foreach (var (path, group) in present.Where(p => p.Group is not null && !shown.Contains(p.Group)))
                        problems.Add($"{name} [{reader.Name}]: {path} of withheld group {group} is returned");
                    foreach (var group in expected.Where(e => present.All(p => p.Group != e)))
                        problems.Add($"{name} [{reader.Name}]: group {group} is shown by the rule but missing");
                }
            }

            // Events: the feed and the webhooks. Each reader hears only what its relationship to the subject shows.
            using (var read = await m.GetAsync($"/api/v1/assets/{assetId}?purpose={Purpose}"))
                await read.ShouldHave(HttpStatusCode.OK);
            await EventTestData.Eventually(() => a.ReadFeedAsync(types: "flexregistry.asset.accessed"), f => f.Events.Count > 0, seconds: 60);
            var checkedEvents = 0;
            foreach (var reader in readers.Where(r => r.Hook is not null))
            {
                var feed = (await reader.Client.ReadFeedAsync()).Events; // every type (the list of all of them is longer than a query value may be)
                var since = feed.Where(e => e.Seq() > subscribedAt[reader.Name]).Select(e => e.Id).ToHashSet();
                // Every event of its feed since it subscribed reaches its webhook too, the same.
                var hooks = await EventTestData.Eventually(() => Task.FromResult(Receiver.At(reader.Hook!)), h => since.IsSubsetOf(h.Select(w => w.Event.GetProperty("id").GetString()!)), seconds: 60);
                foreach (var (type, subject, data, surface) in feed.Select(e => (e.Type, e.Subject, e.Data, "feed"))
                             .Concat(hooks.Select(h => (h.Type, h.Subject, h.Event.GetProperty("data"), "webhook"))))
                {
                    if (!Mine(type))
                        continue;
                    checkedEvents++;
                    var resource = type.StartsWith("flexregistry.asset.", StringComparison.Ordinal) ? "asset" : "participant";
                    // Whose data the event is about (every asset here is A's; asset.accessed is addressed to the party told),
                    // and so the reader's relationship to it: its own (registrant), as a grantee, or by role.
                    var owner = resource == "asset" && type != "flexregistry.asset.accessed" ? aId : subject;
                    var about = owner == reader.Id ? Set("registrant", "any-participant") : reader.Relationships;
                    var granted = reader.Name == "grantee" && owner == aId ? grantedToG : new HashSet<string>();
                    var shown = table.Shown(resource, about, granted);
                    foreach (var path in Paths(data))
                    {
                        var group = Classify(table, resource, path, true, problems, $"{type} ({surface})");
                        if (group is not null && !shown.Contains(group))
                            problems.Add($"{type} ({surface}) [{reader.Name}]: {path} of withheld group {group} reaches the reader");
                    }
                }
            }
            Assert.True(checkedEvents > 20, $"only {checkedEvents} events were checked");
            Assert.True(problems.Count == 0, $"{problems.Count} cells differ from the published rule:\n" + string.Join('\n', problems.Distinct()));
        }
    }

    /// <summary>The relationships that make a reader one of the asset's parties: they read its history and past versions.</summary>
    private static readonly HashSet<string> PartyRelationships = ["registrant", "operating-fsp", "owner", "registry-operator"];

    /// <summary>
    /// Who, when and how a version was made: shown to every reader of the history (the version is identity data; the
    /// roles are the writer's own on the asset). A new property of a history entry is not among these and fails the test.
    /// </summary>
    private static readonly HashSet<string> HistoryEntryKeys = ["version", "at", "action", "source", "sourceName", "participantId", "roles"];

    private static readonly HashSet<string> HistoryPageKeys = ["assetId", "currentVersion", "items", "nextCursor", "withheldGroups"];

    /// <summary>
    /// What a reader learns from the asset's history: every changed field (a path of the asset, whatever its values: that
    /// it changed is disclosed), the change's reason (event data, the registrant's working notes), and any property not
    /// known as a key, which then belongs to no group and fails.
    /// </summary>
    private static async Task<IReadOnlyList<(string Path, bool InEvent)>?> HistoryPathsAsync(Reader reader, string assetId, List<string> problems)
    {
        using var response = await reader.Client.GetAsync($"/api/v1/assets/{assetId}/history?limit=1000");
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized)
            return null;
        var page = await response.Read<JsonElement>();
        var paths = new List<(string, bool)>();
        foreach (var property in page.EnumerateObject().Where(p => !HistoryPageKeys.Contains(p.Name)))
            problems.Add($"history [{reader.Name}]: page property {property.Name} is neither a key nor classified");
        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            foreach (var property in item.EnumerateObject())
            {
                if (HistoryEntryKeys.Contains(property.Name) || property.Value.ValueKind == JsonValueKind.Null)
                    continue;
                if (property.Name == "reason")
                    paths.Add(("reason", true));
                else if (property.Name == "changes")
                    paths.AddRange(property.Value.EnumerateArray().Select(c => (c.GetProperty("field").GetString()!, false)));
                else
                    paths.Add(("history." + property.Name, false));
            }
        }
        return paths;
    }

    /// <summary>Makes one change to the asset against its current ETag (again if the confirmation worker wrote meanwhile); the new version.</summary>
    private static async Task<AssetResponse> ChangeAsync(HttpClient client, string assetId, Func<string, string, Task<HttpResponseMessage>> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (_, etag) = await AssetApi.ReadAsync(client, assetId);
            using var response = await change(assetId, etag);
            if (response.StatusCode == HttpStatusCode.PreconditionFailed && attempt < 5)
                continue;
            return await response.Read<AssetResponse>();
        }
    }

    /// <summary>Asset and participant events: the resources of the rule (others — grants, interests, users, clients, cases — carry their own parties' metadata).</summary>
    private static bool Mine(string type) =>
        type.StartsWith("flexregistry.asset.", StringComparison.Ordinal) || type.StartsWith("flexregistry.participant.", StringComparison.Ordinal);

    private static HashSet<string> Set(params string[] codes) => [.. codes];

    private static string? Classify(Table table, string resource, string path, bool inEvent, List<string> problems, string where)
    {
        try
        {
            return table.GroupOf(resource, path, inEvent);
        }
        catch (UnclassifiedField e)
        {
            problems.Add($"{where}: {e.Message}");
            return null;
        }
    }

    /// <summary>The JSON paths that carry a value (not null, not an empty string or list); lists and maps of objects count as their own path.</summary>
    private static IEnumerable<string> Paths(JsonElement element, string prefix = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var path in Paths(property.Value, prefix.Length == 0 ? property.Name : prefix + "." + property.Name))
                        yield return path;
                }
                break;
            case JsonValueKind.Array when element.GetArrayLength() > 0:
            case JsonValueKind.String when element.GetString()!.Length > 0:
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                yield return prefix;
                break;
            default:
                break;
        }
    }

    private static async Task<JsonElement?> GetAsync(Reader reader, string path)
    {
        using var response = await reader.Client.GetAsync(path);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized)
            return null;
        return await response.Read<JsonElement>();
    }

    private static async Task<JsonElement?> SearchHitAsync(Reader reader, string assetId)
    {
        using var response = await reader.Client.GetAsync($"/api/v1/assets?purpose={Purpose}&limit=200&registeredFrom=2000-01-01");
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            return null;
        var page = await response.Read<JsonElement>();
        return page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("assetId").GetString() == assetId).Select(i => (JsonElement?)i).FirstOrDefault();
    }

    /// <summary>The asset's row of an export of the registrant's assets: NDJSON as is; CSV as a flat object of its non-empty columns.</summary>
    private static async Task<JsonElement?> ExportRowAsync(Reader reader, string assetId, string format)
    {
        using var response = await reader.Client.GetAsync($"/api/v1/assets/export?purpose={Purpose}&format={format}&type=ev-chargepoint");
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            return null;
        await response.ShouldHave(HttpStatusCode.OK);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        if (format == "ndjson")
            return lines.Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("assetId").GetString() == assetId)
                .Select(r => (JsonElement?)r).FirstOrDefault();
        var header = lines[0].Split(',');
        var row = lines.Skip(1).Select(Cells).FirstOrDefault(c => c[0] == assetId);
        if (row is null)
            return null;
        var flat = header.Zip(row).Where(c => c.Second.Length > 0).ToDictionary(c => c.First, c => c.Second);
        return JsonSerializer.SerializeToElement(flat);
    }

    /// <summary>One CSV line's cells (RFC 4180 quoting).</summary>
    private static List<string> Cells(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    cell.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
                cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}

/// <summary>The receiver fixture with 6a windows short enough to close during a test.</summary>
public sealed class SqliteVisibilityApp : SqliteAppWithReceiver
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => VisibilityAppSettings.All;
}

public sealed class PostgresVisibilityApp : PostgresAppWithReceiver
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => VisibilityAppSettings.All;
}

internal static class VisibilityAppSettings
{
    public static readonly KeyValuePair<string, string?>[] All =
    [
        new("AssetAccess:Window", "00:00:02"),
        new("AssetAccess:Grace", "00:00:00.200"),
        new("Webhooks:HousekeepingInterval", "00:00:00.200"),
    ];
}

public sealed class VisibilityMatrixTests_Sqlite(SqliteVisibilityApp app) : VisibilityMatrixTests(app), IClassFixture<SqliteVisibilityApp>;

public sealed class VisibilityMatrixTests_Postgres(PostgresVisibilityApp app) : VisibilityMatrixTests(app), IClassFixture<PostgresVisibilityApp>;
