using System.Globalization;
using System.Net;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Assets;

/// <summary>
/// The field ownership matrix, tested as published: every field group × every role a participant can hold on an asset
/// × a planned and a commissioned asset, each cell a real PATCH by a participant holding exactly that role, answered as
/// the published cell says (200; 403 asset.field_not_owned naming the group; 409 asset.transition_required where the
/// group changes through a transition once commissioned). A new group or role without a case here fails the test.
/// </summary>
public abstract class FieldOwnershipTests(RegistryApp app)
{
    /// <summary>A change to one field of each group, different every time it is asked for.</summary>
    private static readonly Dictionary<string, Func<int, bool, string>> Samples = new()
    {
        ["identity"] = (n, _) => $$"""{"model":"Matrix model {{n}}"}""",
        ["meter-point"] = (_, _) => $$"""{"exportMpan":"{{TestData.Mpan()}}"}""",
        ["location"] = (n, _) => $$$"""{"address":{"line1":"{{{n}}} Matrix Road"}}""",
        ["technical"] = (n, _) => $$"""{"importCapacityKw":{{(3 + (n % 40) / 10m).ToString(CultureInfo.InvariantCulture)}}}""",
        ["commissioning"] = (n, _) => $$"""{"commissioningDate":"2024-06-{{(n % 28) + 1:D2}}"}""",
        ["operational"] = (n, _) => $$"""{"marketQualifications":["Market {{n}}"]}""",
        ["consent"] = (n, _) => $$$"""{"ownerConsent":{"reference":"MATRIX-{{{n}}}"}}""",
        ["confirmation"] = (_, _) => """{"dataStatus":"confirmed"}""",
    };

    [Fact]
    public async Task FieldOwnershipMatrix_AsPublished_DecidesEveryWrite_OfEveryRole()
    {
        var (fsp, fspClient) = await AssetApi.ParticipantAsync(app, "fsp");
        var (owner, ownerClient) = await AssetApi.ParticipantAsync(app, "flex-owner");
        var (installer, installerClient) = await AssetApi.ParticipantAsync(app, "installer");
        using var op = await app.OperatorAsync();
        using (fspClient)
        using (ownerClient)
        using (installerClient)
        {
            var matrix = await (await fspClient.GetAsync("/api/v1/reference/field-ownership")).Read<FieldOwnershipResponse>();
            Assert.Equal(["registrant", "owner", "operating-fsp", "installer", "trusted-source", "registry-operator"], matrix.Roles.Select(r => r.Code));
            Assert.Empty(matrix.Groups.Select(g => g.Code).Except(Samples.Keys));
            // The writers of each role, holding exactly that role on both assets.
            var writers = new Dictionary<string, HttpClient>
            {
                ["registrant"] = fspClient,
                ["owner"] = ownerClient,
                ["installer"] = installerClient,
                ["registry-operator"] = op,
            };
            var assets = new List<string>();
            foreach (var request in new[] { AssetApi.Planned(), TestData.Chargepoint() })
            {
                var (asset, _) = await AssetApi.RegisterAsync(fspClient, request);
                await AssetApi.AttachAsync(fspClient, ownerClient, owner, asset.AssetId, "owner");
                await AssetApi.AttachAsync(fspClient, installerClient, installer, asset.AssetId, "installer");
                assets.Add(asset.AssetId);
            }

            var n = 0;
            var mismatches = new List<string>();
            foreach (var assetId in assets)
            {
                foreach (var group in matrix.Groups)
                {
                    foreach (var (role, client) in writers)
                    {
                        var (before, etag) = await AssetApi.ReadAsync(fspClient, assetId);
                        var planned = before.Status == "planned";
                        var access = group.Writers[role];
                        var allowed = access == "write" || (access == "at-commissioning" && planned);
                        var (status, code) = group.Code == "confirmation" ? (HttpStatusCode.BadRequest, "asset.field_not_patchable")
                            : !allowed ? (HttpStatusCode.Forbidden, "asset.field_not_owned")
                            : !planned && group.AfterCommissioning is not null ? (HttpStatusCode.Conflict, "asset.transition_required")
                            : (HttpStatusCode.OK, null);
                        using var response = await AssetApi.PatchAsync(client, assetId, Samples[group.Code](++n, planned), etag);
                        var body = await response.Content.ReadAsStringAsync();
                        var cell = $"{group.Code} × {role} on a {before.Status} asset ({access})";
                        if (response.StatusCode != status || (code is not null && !body.Contains($"\"code\":\"{code}\"", StringComparison.Ordinal)))
                        {
                            mismatches.Add($"{cell}: expected {(int)status} {code}, got {(int)response.StatusCode} {body}");
                            continue;
                        }
                        var (after, _) = await AssetApi.ReadAsync(fspClient, assetId);
                        if (status == HttpStatusCode.OK)
                        {
                            if (after.Version != before.Version + 1)
                                mismatches.Add($"{cell}: accepted but the version went {before.Version} → {after.Version}");
                        }
                        else if (after.Version != before.Version)
                        {
                            mismatches.Add($"{cell}: refused but the asset changed");
                        }
                        if (status == HttpStatusCode.Forbidden && !body.Contains(group.Code, StringComparison.Ordinal))
                            mismatches.Add($"{cell}: the refusal does not name the group");
                    }
                }
            }
            Assert.True(mismatches.Count == 0, string.Join('\n', mismatches));
            Assert.Equal(matrix.Groups.Count * writers.Count * 2, n);
        }
    }
}

public sealed class FieldOwnershipTests_Sqlite(SqliteApp app) : FieldOwnershipTests(app), IClassFixture<SqliteApp>;

public sealed class FieldOwnershipTests_Postgres(PostgresApp app) : FieldOwnershipTests(app), IClassFixture<PostgresApp>;
