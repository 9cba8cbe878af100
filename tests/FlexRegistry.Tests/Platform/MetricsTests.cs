using System.Net;
using FlexRegistry.Tests.Assets;
using FlexRegistry.Tests.Events;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Platform;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text with request rate and latency by route, the sequencers' lag, the webhook queue,
/// import rows and the database pool; for the registry operator's token (or a configured network) only.
/// </summary>
public abstract class MetricsTests(RegistryApp app)
{
    [Fact]
    public async Task Metrics_ForTheRegistryOperator_CoverRequestsSequencersWebhooksImportsAndThePool()
    {
        var (registered, client) = await app.RegisterActiveAsync();
        using (client)
        {
            await client.UpdateCommercialInformationAsync(registered.ParticipantId);
            await client.ReadFeedAsync();
            using var import = await AssetImportTests.PostAsync(client, AssetImportTests.Header + AssetImportTests.CsvLine(TestData.Chargepoint()), "text/csv");
            var started = await import.Read<FlexRegistry.Client.Contracts.AssetImportStatus>(HttpStatusCode.Accepted);
            await AssetImportTests.WaitAsync(client, started.ImportId);
        }
        using var op = await app.OperatorAsync();
        var text = await EventTestData.Eventually(async () =>
        {
            using var response = await op.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            return await response.Content.ReadAsStringAsync();
        }, t => t.Contains("flexregistry_import_rows_total", StringComparison.Ordinal) && t.Contains("log=\"audit\"", StringComparison.Ordinal));

        var lines = text.Split('\n');
        void Has(string metric, params string[] labels) => Assert.True(
            lines.Any(l => l.StartsWith(metric, StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal))),
            $"no {metric} with {string.Join(", ", labels)} in:\n{text}");
        Has("http_server_request_duration_seconds_bucket", "http_route=\"/api/v1/participants/{id}/commercial-information\"");
        Has("http_server_request_duration_seconds_count", "http_route=\"/api/v1/events/\"");
        Has("flexregistry_sequencer_lag_seconds_bucket", "log=\"events\"");
        Has("flexregistry_sequencer_lag_seconds_bucket", "log=\"audit\"");
        Has("flexregistry_sequencer_rows_total", "log=\"audit\"");
        Has("flexregistry_sequencer_pending", "log=\"events\"");
        Has("flexregistry_webhook_queue_depth");
        Has("flexregistry_import_rows_total", "outcome=\"registered\"");
        Has(app.Provider == "Postgres" ? "db_client_connection" : "flexregistry_sqlite_write_gate_waiting");
    }

    [Fact]
    public async Task Metrics_AreRefusedToParticipantsAndToAnonymousCallers()
    {
        var (_, client) = await app.RegisterActiveAsync();
        using (client)
        {
            using var participant = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.Forbidden, participant.StatusCode);
        }
        using var anonymous = app.Anonymous();
        using var nobody = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
    }
}

public sealed class MetricsTests_Sqlite(SqliteApp app) : MetricsTests(app), IClassFixture<SqliteApp>;

public sealed class MetricsTests_Postgres(PostgresApp app) : MetricsTests(app), IClassFixture<PostgresApp>;

/// <summary>A scraper on a configured network needs no token (real Kestrel, so the caller has a loopback address).</summary>
public sealed class MetricsNetworkTests(MetricsNetworkTests.App app) : IClassFixture<MetricsNetworkTests.App>
{
    [Fact]
    public async Task Metrics_FromAConfiguredNetwork_NeedNoToken()
    {
        using var http = new HttpClient { BaseAddress = app.Address };
        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("flexregistry_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public sealed class App : SqliteApp
    {
        public App() => UseKestrel(0);

        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Metrics:AllowedNetworks:0", "127.0.0.0/8")];

        public override async ValueTask InitializeAsync()
        {
            await CreateDatabaseAsync();
            StartServer();
        }

        public Uri Address => KestrelAddress.Of(Services);
    }
}
