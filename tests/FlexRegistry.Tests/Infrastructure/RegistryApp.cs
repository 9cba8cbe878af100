using System.Net.Http.Headers;
using System.Net.Http.Json;
using FlexRegistry.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>
/// The real service, hosted in-process over HTTP, on a real database of its own. Subclasses choose SQLite or
/// PostgreSQL; each fixture instance gets a fresh database, so test classes never see each other's data.
/// </summary>
public abstract class RegistryApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string OperatorSecret = "test-operator-secret";

    public abstract string Provider { get; }

    /// <summary>Where the pickup-folder mailer writes this fixture's emails.</summary>
    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), "flexreg-mail-" + Guid.NewGuid().ToString("N")[..12]);

    protected abstract string ConnectionString { get; }

    /// <summary>Extra configuration for a fixture (e.g. a Companies House fake).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider);
        builder.UseSetting("Database:ConnectionString", ConnectionString);
        builder.UseSetting("Registry:OperatorClientSecret", OperatorSecret);
        builder.UseSetting("Auth:KeyFile", "");
        builder.UseSetting("RateLimits:Enabled", "false");
        builder.UseSetting("Verification:PollInterval", "00:00:00.200");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Audit:TreeHeadInterval", "00:00:00.020");
        builder.UseSetting("Sequencing:PollInterval", "00:00:00.100");
        // Reads wait for earlier commits to be sequenced; on PostgreSQL that waits for the oldest write transaction on the
        // whole cluster, which on a loaded test machine (other classes' import batches) can take seconds.
        builder.UseSetting("Sequencing:CatchUpTimeout", "00:00:30");
        builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
        builder.UseSetting("Webhooks:PollInterval", "00:00:00.100");
        // Ephemeral Data Protection certificate and a mail folder of the fixture's own (tests that read mail use a fake SMTP server).
        builder.UseSetting("DataProtection:CertificateFile", "");
        builder.UseSetting("Email:PickupDirectory", MailDirectory);
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        // Every response of every test is held to the served OpenAPI document.
        builder.ConfigureServices(ResponseConformance.AddTo);
    }

    public virtual async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        _ = Server; // start the host: migrations and the operator bootstrap run now, not in the first test
    }

    protected virtual Task CreateDatabaseAsync() => Task.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await DropDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    public HttpClient Anonymous() => CreateClient();

    /// <summary>Runs SQL straight against the fixture's database, bypassing the service (tamper and failure tests).</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlexRegistry.Persistence.RegistryDbContext>();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    /// <summary>Waits until every event committed so far has its sequence (as any read of the feed does).</summary>
    public async Task EventsSequencedAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await Services.GetRequiredService<FlexRegistry.Events.EventSequencer>()
            .CatchUpAsync(scope.ServiceProvider.GetRequiredService<FlexRegistry.Persistence.RegistryDbContext>(), CancellationToken.None);
    }

    public Task<HttpClient> OperatorAsync() => this.AuthenticatedAsync(ApiClient.BootstrapClientId, OperatorSecret);
}

/// <summary>
/// Access tokens and authenticated clients for any host of the register: a fixture, or one derived from it with
/// <c>WithWebHostBuilder</c> (extra interceptors, other settings).
/// </summary>
public static class HostTokens
{
    /// <summary>A client whose requests carry an access token obtained at /connect/token with the client's secret.</summary>
    public static async Task<HttpClient> AuthenticatedAsync(this WebApplicationFactory<Program> host, string clientId, string clientSecret)
    {
        var token = await host.TokenAsync(clientId, clientSecret);
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<string> TokenAsync(this WebApplicationFactory<Program> host, string clientId, string clientSecret, string? scope = null)
    {
        using var anonymous = host.CreateClient();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        };
        if (scope is not null)
            form["scope"] = scope;
        using var response = await anonymous.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.True(response.IsSuccessStatusCode, $"token request failed: {(int)response.StatusCode} {string.Join(", ", body ?? [])}");
        return body!["access_token"].ToString()!;
    }
}

/// <summary>The embedded default: a SQLite file in a temporary directory.</summary>
public class SqliteApp : RegistryApp
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flexreg-test-").FullName;

    public override string Provider => "Sqlite";

    protected override string ConnectionString => $"Data Source={Path.Combine(_directory, "registry.db")}";

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A lingering handle on a temp file is not worth failing a test run for.
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// A real PostgreSQL server, started by test.sh, named by FLEXREG_TEST_POSTGRES; each fixture creates and drops a
/// database of its own. Without that variable the tests fail loudly: they are never skipped silently.
/// </summary>
public class PostgresApp : RegistryApp
{
    private readonly string _database = "flexreg_test_" + Guid.NewGuid().ToString("N")[..12];

    public override string Provider => "Postgres";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("FLEXREG_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                "FLEXREG_TEST_POSTGRES is not set. Run ./test.sh, which starts a throwaway PostgreSQL 15 cluster, or set it to a server where the user may CREATE DATABASE.");

    protected override string ConnectionString =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _database, MaxPoolSize = 80 }.ToString();

    protected override async Task CreateDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task DropDatabaseAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
