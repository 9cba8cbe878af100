using System.Diagnostics;
using System.Text.Json;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Platform;

/// <summary>
/// The served OpenAPI document passes Spectral with the OWASP API Security ruleset (npm @stoplight/spectral-cli and
/// @stoplight/spectral-owasp-ruleset, locked in tests/lint-openapi; test.sh installs them) with no errors. Rules switched
/// off are in tests/lint-openapi/.spectral.yaml, each with its reason in docs/security.md.
/// </summary>
public sealed class OpenApiLintTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task ServedDocument_PassesTheOwaspRuleset_WithNoErrors()
    {
        var directory = Path.Combine(OpenApiDocumentTests.RepositoryRoot(), "tests", "lint-openapi");
        var cli = Path.Combine(directory, "node_modules", "@stoplight", "spectral-cli", "dist", "index.js");
        Assert.True(File.Exists(cli), $"{cli} is missing: run `npm ci --prefix tests/lint-openapi` (test.sh does).");
        using var client = app.Anonymous();
        var document = Path.Combine(Directory.CreateTempSubdirectory("flexreg-lint-").FullName, "openapi.json");
        await File.WriteAllTextAsync(document, await client.GetStringAsync("/openapi/v1.json"));

        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { cli, "lint", "--ruleset", ".spectral.yaml", "--format", "json", "--fail-severity", "error", document })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        var start0 = output.IndexOf('[', StringComparison.Ordinal);
        Assert.True(start0 >= 0, $"Spectral printed no results (exit {process.ExitCode}): {output} {await stderr}");
        using var results = JsonDocument.Parse(output[start0..]);
        var errors = results.RootElement.EnumerateArray()
            .Where(r => r.GetProperty("severity").GetInt32() == 0)
            .Select(r => $"{r.GetProperty("code").GetString()} at {string.Join('.', r.GetProperty("path").EnumerateArray().Select(p => p.ToString()))}: {r.GetProperty("message").GetString()}")
            .ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} Spectral errors:\n" + string.Join('\n', errors.Take(50)));
        Assert.Equal(0, process.ExitCode);
    }
}
