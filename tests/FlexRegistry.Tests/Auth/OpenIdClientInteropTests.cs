using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Auth;

/// <summary>
/// An independent OAuth client, npm's openid-client (tests/interop, installed by <c>npm ci --prefix tests/interop</c>
/// in test.sh), discovers the register, authenticates with private_key_jwt and calls the API over real HTTP.
/// Without node or the installed packages the test fails: it is never skipped.
/// </summary>
public abstract class OpenIdClientInteropTests(RegistryApp app, Func<Uri> address)
{
    [Theory]
    [InlineData("PS256")]
    [InlineData("ES256")]
    public async Task OpenIdClient_PrivateKeyJwt_GetsATokenAndReadsTheParticipant(string algorithm)
    {
        using var keys = algorithm == "ES256" ? ClientKeys.EcP256() : ClientKeys.Rsa();
        var (registration, admin) = await app.RegisterActiveAsync();
        string clientId;
        using (admin)
            clientId = (await ApiClientTests.CreateAsync(admin, registration.ParticipantId, ["participants:read", "events:read"], keys.Jwks())).ClientId;

        var output = await RunNodeAsync(new Dictionary<string, string>
        {
            ["FLEXREG_ISSUER"] = address().AbsoluteUri,
            ["FLEXREG_CLIENT_ID"] = clientId,
            ["FLEXREG_PRIVATE_JWK"] = keys.PrivateJwk(),
            ["FLEXREG_PARTICIPANT"] = registration.ParticipantId,
        });
        using var result = JsonDocument.Parse(output);
        Assert.Equal(200, result.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(registration.ParticipantId, result.RootElement.GetProperty("participantId").GetString());
        Assert.Equal("participants:read", result.RootElement.GetProperty("scope").GetString());
        Assert.Equal("bearer", result.RootElement.GetProperty("tokenType").GetString(), ignoreCase: true);
    }

    private static async Task<string> RunNodeAsync(IReadOnlyDictionary<string, string> environment)
    {
        var interop = Path.Combine(RepositoryRoot(), "tests", "interop");
        if (!Directory.Exists(Path.Combine(interop, "node_modules", "openid-client")))
            Assert.Fail($"openid-client is not installed in {interop}: run `npm ci --prefix tests/interop` (test.sh does).");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("get-participant.mjs");
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"node is not installed or not on PATH ({e.Message}); the openid-client interoperability test needs Node.js 20 or later.");
            throw;
        }
        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var output = (await stdout).Trim();
            Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}: {await stderr}\n{output}");
            return output;
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "tests", "interop", "package.json")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No repository root with tests/interop above {AppContext.BaseDirectory}.");
    }
}

public sealed class OpenIdClientInteropTests_Sqlite(KestrelSqliteApp app)
    : OpenIdClientInteropTests(app, () => app.Address), IClassFixture<KestrelSqliteApp>;

public sealed class OpenIdClientInteropTests_Postgres(KestrelPostgresApp app)
    : OpenIdClientInteropTests(app, () => app.Address), IClassFixture<KestrelPostgresApp>;
