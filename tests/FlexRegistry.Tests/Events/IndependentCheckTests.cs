using System.Globalization;
using System.Text.Json;
using FlexRegistry.Events;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Events;

/// <summary>
/// Third-party libraries judge our output: npm's <c>standardwebhooks</c> verifies webhooks the dispatcher really
/// delivered, and npm's <c>cloudevents</c> validates events the pull feed really served.
/// </summary>
public abstract class IndependentCheckTests(RegistryApp app)
{
    private WebhookReceiver Receiver => ((IHaveWebhookReceiver)app).Receiver;

    [Fact]
    public async Task StandardWebhooksLibrary_AcceptsOurDeliveries_AndRejectsTamperedWrongSecretAndStale()
    {
        var (a, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var url = Receiver.NewUrl();
            var subscription = await client.SubscribeAsync(url);
            for (var i = 0; i < 3; i++)
                await client.UpdateCommercialInformationAsync(a.ParticipantId);
            var received = await EventTestData.Eventually(() => Task.FromResult(Receiver.At(url)), r => r.Count >= 3);
            Assert.Equal(3, received.Count);

            // Correctly signed by our signer, but ten minutes old: the library's 5-minute tolerance must refuse it.
            var old = TimeProvider.System.GetUtcNow().AddMinutes(-10).ToUnixTimeSeconds();
            var sample = received[0];
            var stale = new
            {
                secret = subscription.Secret,
                id = sample.Id,
                timestamp = old.ToString(CultureInfo.InvariantCulture),
                body = sample.Body,
                signature = WebhookDispatcher.Sign([subscription.Secret], sample.Id, old, sample.Body),
            };
            var file = Path.GetTempFileName();
            try
            {
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
                {
                    deliveries = received.Select(w => new { secret = subscription.Secret, id = w.Id, timestamp = w.Timestamp, signature = w.Signature, body = w.Body }),
                    stale,
                }));
                var (exitCode, output) = await Node.RunAsync("verify-webhooks.js", file);
                Assert.True(exitCode == 0, output);
                Assert.Contains("verified 3, rejected 7, failures 0", output, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task CloudEventsLibrary_ValidatesEventsFromThePullFeed()
    {
        var (a, client) = await app.RegisterActiveAsync();
        using (client)
        {
            await client.UpdateCommercialInformationAsync(a.ParticipantId);
            using var op = await app.OperatorAsync();
            var page = await (await op.GetAsync("/api/v1/events?limit=50")).Content.ReadAsStringAsync();
            using var json = JsonDocument.Parse(page);
            var items = json.RootElement.GetProperty("items");
            Assert.True(items.GetArrayLength() >= 3);
            var file = Path.GetTempFileName();
            try
            {
                await File.WriteAllTextAsync(file, items.GetRawText());
                var (exitCode, output) = await Node.RunAsync("validate-cloudevents.js", file);
                Assert.True(exitCode == 0, output);
                Assert.Contains($"valid {items.GetArrayLength()}, failures 0", output, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(file);
            }
        }
    }
}

public sealed class IndependentCheckTests_Sqlite(SqliteAppWithReceiver app) : IndependentCheckTests(app), IClassFixture<SqliteAppWithReceiver>;

public sealed class IndependentCheckTests_Postgres(PostgresAppWithReceiver app) : IndependentCheckTests(app), IClassFixture<PostgresAppWithReceiver>;
