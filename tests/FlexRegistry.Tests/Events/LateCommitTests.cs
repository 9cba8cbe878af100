using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Audit;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Participants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Events;

/// <summary>
/// Events are ordered after commit, without a lock: a transaction that starts first and commits last must be neither
/// skipped nor reordered by any reader — the pull feed, the webhook dispatcher, replay. (On PostgreSQL the later
/// transaction commits first; on SQLite, whose single writer makes it wait, it commits after.)
/// </summary>
public abstract class LateCommitTests(RegistryApp app)
{
    private WebhookReceiver Receiver => ((IHaveWebhookReceiver)app).Receiver;

    [Fact]
    public async Task ATransactionThatStartsFirstAndCommitsLast_IsNeitherSkippedNorReordered_ByFeedDispatcherOrReplay()
    {
        var (first, firstClient) = await app.RegisterActiveAsync();
        var (second, secondClient) = await app.RegisterActiveAsync();
        using var op = await app.OperatorAsync();
        using (firstClient)
        using (secondClient)
        {
            string[] subjects = [first.ParticipantId, second.ParticipantId];
            var url = Receiver.NewUrl();
            var subscription = await op.SubscribeAsync(url, filters: new SubscriptionFiltersDto { ParticipantIds = subjects });
            var (_, start) = await op.ReadFeedAsync(types: EventTestData.Updated);

            // The late transaction: it writes first (so it has the older transaction ID), and stays open.
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var journal = scope.ServiceProvider.GetRequiredService<Journal>();
            var transaction = await db.Database.BeginTransactionAsync();
            var id = ParticipantId.Parse(first.ParticipantId);
            var participant = await db.Participants.FirstAsync(p => p.Id == id);
            participant.UpdateCommercialInformation(TimeProvider.System.GetUtcNow());
            journal.Append(participant.TakeEvents(), AuditEntry.BySystem("test", "participant.late_write", "participant", id.Value, id.Value, "commercialInformation"));
            await db.SaveChangesAsync();

            // Meanwhile another participant's change: it commits first on PostgreSQL, and waits for the writer on SQLite.
            var later = secondClient.PutAsJsonAsync($"/api/v1/participants/{second.ParticipantId}/commercial-information", CommercialInformationTests.ValidForFsp());
            if (app.Provider == "Postgres")
                (await later).Dispose();
            else
                Assert.NotSame(later, await Task.WhenAny(later, Task.Delay(500)));

            // A reader now sees neither event: the committed one waits behind the open, older transaction.
            var (during, reached) = await op.ReadFeedAsync(start, EventTestData.Updated);
            Assert.DoesNotContain(during, e => subjects.Contains(e.Subject));

            await journal.CommitAsync(transaction, CancellationToken.None);
            await transaction.DisposeAsync();
            (await later).Dispose();

            // The reader carries on from where it stopped and gets both, the late one first, in a gap-free run.
            var (after, _) = await EventTestData.Eventually(() => op.ReadFeedAsync(reached, EventTestData.Updated),
                page => page.Events.Count(e => subjects.Contains(e.Subject)) >= 2);
            var ours = after.Where(e => subjects.Contains(e.Subject)).ToList();
            Assert.Equal(subjects, ours.Select(e => e.Subject));
            Assert.True(ours[0].Seq() > long.Parse(reached, System.Globalization.CultureInfo.InvariantCulture), "the late event was placed behind a cursor already read");
            var (all, _) = await op.ReadFeedAsync();
            Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Seq()));

            // The dispatcher delivered both, in the same order; a replay from before them delivers both again, in order.
            // (Webhooks about different subjects go out in parallel, so they arrive in any order: compare by sequence.)
            var delivered = (await EventTestData.Eventually(() => Task.FromResult(Receiver.At(url)), r => r.Count >= 2)).Take(2).OrderBy(w => w.Sequence).ToList();
            Assert.Equal(subjects, delivered.Select(w => w.Subject));
            Assert.Equal(ours.Select(e => e.Seq()), delivered.Select(w => w.Sequence));
            using var replay = await op.PostAsJsonAsync($"/api/v1/subscriptions/{subscription.Id}/replay",
                new ReplayRequest { FromSequence = long.Parse(start, System.Globalization.CultureInfo.InvariantCulture) + 1 });
            await replay.ShouldHave(HttpStatusCode.Accepted);
            var again = (await EventTestData.Eventually(() => Task.FromResult(Receiver.At(url)), r => r.Count >= 4)).Skip(2).Take(2).OrderBy(w => w.Sequence).ToList();
            Assert.Equal(subjects, again.Select(w => w.Subject));
            Assert.Equal(delivered.Select(w => w.Id), again.Select(w => w.Id));
        }
    }
}

public sealed class LateCommitTests_Sqlite(SqliteAppWithReceiver app) : LateCommitTests(app), IClassFixture<SqliteAppWithReceiver>;

public sealed class LateCommitTests_Postgres(LateCommitTests_Postgres.App app) : LateCommitTests(app), IClassFixture<LateCommitTests_Postgres.App>
{
    /// <summary>
    /// The test keeps a write transaction open while it reads the feed, and on PostgreSQL that transaction holds back
    /// sequencing on the whole test cluster, so every other class's events wait with it. The fixtures' 30 s read-your-writes
    /// wait would keep it open for 30 s; here a read waits 2 s (the service's default), so the hold is short.
    /// </summary>
    public sealed class App : PostgresAppWithReceiver
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Sequencing:CatchUpTimeout", "00:00:02")];
    }
}
