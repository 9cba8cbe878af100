using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Auth;
using FlexRegistry.Cli;
using FlexRegistry.Cli.Sandbox;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Auth;
using FlexRegistry.Tests.Infrastructure;
using Spectre.Console;

namespace FlexRegistry.Tests.Cli;

/// <summary>
/// The <c>flexreg</c> command handlers run in-process against the real service (their HTTP goes through the test
/// server's handler): generated files register as the manifest says, <c>audit verify</c> exits 0 on an intact chain
/// and 2 on a tampered one, and private_key_jwt works from a key file.
/// </summary>
public abstract class FlexregCommandTests(RegistryApp app) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("flexreg-cli-");

    private (CliContext Context, StringWriter Out, StringWriter Error) Context()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No });
        console.Profile.Width = 200;
        var context = new CliContext
        {
            Console = console,
            Error = error,
            Environment = name => name == "FLEXREG_URL" ? app.Server.BaseAddress.AbsoluteUri : null,
            Handler = () => app.Server.CreateHandler(),
            PollInterval = TimeSpan.FromMilliseconds(50),
        };
        return (context, output, error);
    }

    [Fact]
    public async Task GeneratedFile_RegistersAsTheManifestSays_NewAssets201_Duplicates409_NearDuplicatesOpenACase()
    {
        var path = Path.Combine(_dir.FullName, "assets.ndjson");
        var (context, output, _) = Context();
        var exit = await Flexreg.InvokeAsync(["sandbox", "generate", "--assets", "120", "--duplicates", "0.15", "--near-duplicates", "0.1", "--seed", "9", "--out", path], context);
        Assert.Equal(Flexreg.Ok, exit);
        Assert.Contains("120 rows", output.ToString(), StringComparison.Ordinal);
        var rows = SandboxGenerateTests.ReadRows(path, "ndjson");
        var manifest = GenerateAssets.ReadManifest(path + ".manifest.csv").ToDictionary(m => m.RowNumber);
        Assert.Contains(manifest.Values, m => m.Kind == RowKind.Duplicate);
        Assert.Contains(manifest.Values, m => m.Kind == RowKind.NearDuplicate);

        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var assetIdOfRow = new Dictionary<long, string>();
            for (var row = 1; row <= rows.Count; row++)
            {
                // The dry run accepts every row…
                var check = await (await client.PostAsJsonAsync("/api/v1/assets/check", rows[row - 1])).Read<AssetCheckResponse>();
                Assert.True(check.Valid, $"row {row}: {string.Join("; ", check.Errors.Select(e => e.Code + "@" + e.Field))}");
                // …and registration answers exactly as the manifest predicts.
                using var response = await client.PostAsJsonAsync("/api/v1/assets", rows[row - 1]);
                if (!manifest.TryGetValue(row, out var entry))
                {
                    var created = await response.Read<RegisterAssetResponse>(HttpStatusCode.Created);
                    Assert.Null(created.DuplicateCaseId);
                    assetIdOfRow[row] = created.AssetId;
                }
                else if (entry.Kind == RowKind.Duplicate)
                {
                    var problem = await response.ReadProblem(HttpStatusCode.Conflict, "asset.duplicate");
                    Assert.Equal(assetIdOfRow[entry.DuplicateOfRow!.Value], problem.ExistingAssetId);
                }
                else
                {
                    var created = await response.Read<RegisterAssetResponse>(HttpStatusCode.Created);
                    Assert.True(created.DuplicateCaseId is not null, $"near duplicate row {row} of row {entry.DuplicateOfRow} opened no possible-duplicate case");
                    assetIdOfRow[row] = created.AssetId;
                }
            }
        }
    }

    [Fact]
    public async Task AuditVerify_ExitsZeroOnAnIntactLog_TwoOnATamperedOne_OneWhenRefused()
    {
        var (_, participant) = await app.RegisterActiveAsync();
        participant.Dispose();
        string[] asOperator = ["audit", "verify", "--client-id", ApiClient.BootstrapClientId, "--client-secret", RegistryApp.OperatorSecret];

        var (context, output, _) = Context();
        Assert.Equal(Flexreg.Ok, await Flexreg.InvokeAsync(asOperator, context));
        Assert.Contains("Audit log valid", output.ToString(), StringComparison.Ordinal);

        const string AtLeaf1 = "\"Position\" = (SELECT \"RecordPosition\" FROM audit_leaves WHERE \"LeafIndex\" = 1)";
        await app.ExecuteSqlAsync($"UPDATE audit_records SET \"Action\" = \"Action\" || 'x' WHERE {AtLeaf1}");
        try
        {
            (context, output, _) = Context();
            Assert.Equal(Flexreg.CheckFailed, await Flexreg.InvokeAsync(asOperator, context));
            Assert.Contains("Audit log BROKEN at leaf 1", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await app.ExecuteSqlAsync($"UPDATE audit_records SET \"Action\" = substr(\"Action\", 1, length(\"Action\") - 1) WHERE {AtLeaf1}");
        }
        (context, _, _) = Context();
        Assert.Equal(Flexreg.Ok, await Flexreg.InvokeAsync(asOperator, context));

        // A wrong secret, and a participant (not the registry operator): exit 1 with the reason on stderr.
        var (refusedContext, _, error) = Context();
        Assert.Equal(Flexreg.Error, await Flexreg.InvokeAsync(["audit", "verify", "--client-id", ApiClient.BootstrapClientId, "--client-secret", "wrong"], refusedContext));
        Assert.Contains("token endpoint refused", error.ToString(), StringComparison.Ordinal);
        var registration = await app.RegisterOnlyAsync();
        (refusedContext, _, error) = Context();
        Assert.Equal(Flexreg.Error, await Flexreg.InvokeAsync(
            ["audit", "verify", "--client-id", registration.ApiClient.ClientId, "--client-secret", registration.ApiClient.ClientSecret!], refusedContext));
        Assert.Contains("403", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PS256")]
    [InlineData("ES256")]
    public async Task KeyFile_AuthenticatesWithPrivateKeyJwt(string algorithm)
    {
        using var keys = algorithm == "ES256" ? ClientKeys.EcP256() : ClientKeys.Rsa();
        var (registration, admin) = await app.RegisterActiveAsync();
        CreateApiClientResponse keyClient;
        using (admin)
            keyClient = await ApiClientTests.CreateAsync(admin, registration.ParticipantId, ["participants:read"], keys.Jwks());
        var keyFile = Path.Combine(_dir.FullName, "key.jwk");
        await File.WriteAllTextAsync(keyFile, keys.PrivateJwk());

        var (context, _, _) = Context();
        var connection = new ConnectionOptions(context);
        var root = new System.CommandLine.RootCommand();
        connection.AddTo(root);
        var client = connection.CreateClient(root.Parse(["--client-id", keyClient.ClientId, "--key", keyFile]));
        var participant = await client.GetParticipantAsync(registration.ParticipantId);
        Assert.Equal(registration.ParticipantId, participant.ParticipantId);
    }

    [Fact]
    public async Task GenerateWithBadArguments_ExitsNonZero_AndWritesNothing()
    {
        var path = Path.Combine(_dir.FullName, "bad.csv");
        var (context, _, error) = Context();
        Assert.NotEqual(Flexreg.Ok, await Flexreg.InvokeAsync(["sandbox", "generate", "--assets", "10", "--duplicates", "0.7", "--near-duplicates", "0.4", "--out", path], context));
        Assert.Contains("add up to less than 1", error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task AssetsImport_UploadsAFile_AndWritesOneResultPerRow()
    {
        // NDJSON: its member names are fixed by the contract (those of POST /api/v1/assets); CSV column names are the server's choice.
        var path = Path.Combine(_dir.FullName, "import.ndjson");
        var (context, _, _) = Context();
        Assert.Equal(Flexreg.Ok, await Flexreg.InvokeAsync(["sandbox", "generate", "--assets", "200", "--format", "ndjson", "--out", path], context));
        var manifest = GenerateAssets.ReadManifest(path + ".manifest.csv").ToDictionary(m => m.RowNumber);
        var registration = await app.RegisterOnlyAsync();
        var results = Path.Combine(_dir.FullName, "results.csv");
        var (importContext, output, error) = Context();
        var exit = await Flexreg.InvokeAsync(
            ["assets", "import", path, "--results", results, "--idempotency-key", Guid.NewGuid().ToString("N"),
             "--client-id", registration.ApiClient.ClientId, "--client-secret", registration.ApiClient.ClientSecret!], importContext);
        Assert.True(exit == Flexreg.Ok, error.ToString());
        Assert.Contains("completed", output.ToString(), StringComparison.Ordinal);
        var lines = (await File.ReadAllLinesAsync(results)).Skip(1).ToList();
        Assert.Equal(200, lines.Count);
        for (var row = 1; row <= 200; row++)
        {
            var expected = !manifest.TryGetValue(row, out var entry) || entry.Kind == RowKind.NearDuplicate ? "registered" : "duplicate";
            Assert.Contains("," + expected + ",", lines[row - 1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AssetsExport_StreamsTheSearchToCsvAndNdjson_WithItsFilters()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            var ids = new List<string>();
            foreach (var asset in new[] { TestData.Chargepoint(), TestData.Chargepoint(), TestData.Chargepoint() with { Mpan = TestData.Mpan(23) } })
                ids.Add((await (await client.PostAsJsonAsync("/api/v1/assets", asset)).Read<RegisterAssetResponse>(HttpStatusCode.Created)).AssetId);
            string[] connection = ["--client-id", registration.ApiClient.ClientId, "--client-secret", registration.ApiClient.ClientSecret!];

            var csv = Path.Combine(_dir.FullName, "export.csv");
            var (context, output, error) = Context();
            Assert.Equal(Flexreg.Ok, await Flexreg.InvokeAsync(["assets", "export", "--out", csv, .. connection], context));
            Assert.Contains("Wrote 3 assets", output.ToString(), StringComparison.Ordinal);
            Assert.Equal("", error.ToString());
            var lines = await File.ReadAllLinesAsync(csv);
            Assert.Equal(string.Join(',', FlexRegistry.Cli.Assets.ExportCommand.CsvColumns), lines[0]);
            Assert.Equal(ids.Order(StringComparer.Ordinal), lines[1..].Select(l => l.Split(',')[0]).Order(StringComparer.Ordinal));

            // NDJSON, filtered by DNO area (Yorkshire, distributor 23): the one asset there.
            var ndjson = Path.Combine(_dir.FullName, "yorkshire.ndjson");
            (context, output, _) = Context();
            Assert.Equal(Flexreg.Ok, await Flexreg.InvokeAsync(["assets", "export", "--out", ndjson, "--dno-area", "23", .. connection], context));
            var row = Assert.Single(await File.ReadAllLinesAsync(ndjson));
            Assert.Equal(ids[2], System.Text.Json.JsonDocument.Parse(row).RootElement.GetProperty("assetId").GetString());
            Assert.False(File.Exists(ndjson + ".partial"));
        }
    }

    public void Dispose()
    {
        _dir.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class FlexregCommandTests_Sqlite(SqliteApp app) : FlexregCommandTests(app), IClassFixture<SqliteApp>;

public sealed class FlexregCommandTests_Postgres(PostgresApp app) : FlexregCommandTests(app), IClassFixture<PostgresApp>;
