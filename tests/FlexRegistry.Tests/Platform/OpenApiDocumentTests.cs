using System.Text.Json;
using System.Text.Json.Nodes;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Platform;

/// <summary>
/// The OpenAPI document is the API's list of endpoints: served at /openapi/v1.json and checked in as docs/openapi.json.
/// This test fails when the checked-in copy is stale; run with FLEXREG_UPDATE_OPENAPI=1 to rewrite it.
/// </summary>
public sealed class OpenApiDocumentTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task CheckedInOpenApiDocument_MatchesTheServedOne()
    {
        using var client = app.Anonymous();
        var served = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var pretty = served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = Path.Combine(RepositoryRoot(), "docs", "openapi.json");

        if (Environment.GetEnvironmentVariable("FLEXREG_UPDATE_OPENAPI") == "1")
            await File.WriteAllTextAsync(path, pretty);

        Assert.True(File.Exists(path), "docs/openapi.json is missing; run the tests with FLEXREG_UPDATE_OPENAPI=1 to create it.");
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.True(JsonNode.DeepEquals(served, checkedIn),
            "docs/openapi.json is stale: the served document differs. Run `FLEXREG_UPDATE_OPENAPI=1 ./test.sh` (or the OpenApiDocumentTests alone) and commit the result.");
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheParticipantRegister()
    {
        using var client = app.Anonymous();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();
        Assert.Contains("/api/v1/participants", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/participants/{id}/commercial-information", paths.Select(p => p.Key));
        Assert.Equal("RegisterParticipant", paths["/api/v1/participants"]!["post"]!["operationId"]!.GetValue<string>());
        Assert.NotNull(paths["/api/v1/participants"]!["post"]!["responses"]!["409"]);
        Assert.NotNull(document["components"]!["securitySchemes"]!["oauth2"]);
    }

    [Fact]
    public async Task InteractiveDocs_AreServed()
    {
        using var client = app.Anonymous();
        var html = await client.GetStringAsync("/docs/");
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FlexRegistry.slnx")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("The repository root (FlexRegistry.slnx) was not found above the test binaries.");
    }
}
