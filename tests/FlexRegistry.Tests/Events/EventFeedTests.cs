using System.Net;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Events;

/// <summary>The pull feed: each participant's own events, in order, as CloudEvents, without gaps.</summary>
public abstract class EventFeedTests(RegistryApp app)
{
    [Fact]
    public async Task TwoUnrelatedFsps_EachSeeOnlyTheirOwnEvents()
    {
        var (a, clientA) = await app.RegisterActiveAsync();
        var (b, clientB) = await app.RegisterActiveAsync();
        using (clientA)
        using (clientB)
        {
            await clientA.UpdateCommercialInformationAsync(a.ParticipantId);
            await clientB.UpdateCommercialInformationAsync(b.ParticipantId);

            var (seenByA, _) = await clientA.ReadFeedAsync();
            var (seenByB, _) = await clientB.ReadFeedAsync();

            Assert.Contains(seenByA, e => e.Type == "flexregistry.participant.registered" && e.Subject == a.ParticipantId);
            Assert.Contains(seenByA, e => e.Type == EventTestData.Updated && e.Subject == a.ParticipantId);
            Assert.Contains(seenByB, e => e.Type == EventTestData.Updated && e.Subject == b.ParticipantId);
            Assert.DoesNotContain(seenByA, e => e.Subject == b.ParticipantId || e.Data.GetRawText().Contains(b.ParticipantId, StringComparison.Ordinal));
            Assert.DoesNotContain(seenByB, e => e.Subject == a.ParticipantId || e.Data.GetRawText().Contains(a.ParticipantId, StringComparison.Ordinal));

            // The registry operator sees both.
            using var op = await app.OperatorAsync();
            var (all, _) = await op.ReadFeedAsync(types: EventTestData.Updated, limit: 1000);
            Assert.Contains(all, e => e.Subject == a.ParticipantId);
            Assert.Contains(all, e => e.Subject == b.ParticipantId);
        }
    }

    [Fact]
    public async Task Feed_IsCloudEvents_InSequenceOrder_AndPagesContinueWithoutGaps()
    {
        var (a, client) = await app.RegisterActiveAsync();
        using (client)
        {
            for (var i = 0; i < 5; i++)
                await client.UpdateCommercialInformationAsync(a.ParticipantId);

            var (paged, cursor) = await client.ReadFeedAsync(limit: 2);
            var (whole, _) = await client.ReadFeedAsync(limit: 1000);
            Assert.Equal(whole.Select(e => e.Id), paged.Select(e => e.Id));
            Assert.True(paged.Count >= 7);
            Assert.Equal(paged.Select(e => e.Seq()).Order(), paged.Select(e => e.Seq()));
            Assert.Equal(paged.Count, paged.Select(e => e.Seq()).Distinct().Count());
            Assert.Equal(paged[^1].Sequence, cursor);

            var updated = paged.First(e => e.Type == EventTestData.Updated);
            Assert.Equal("1.0", updated.SpecVersion);
            Assert.Equal("/flexregistry", updated.Source);
            Assert.Equal(a.ParticipantId, updated.Subject);
            Assert.Equal("application/json", updated.DataContentType);
            Assert.True(Guid.TryParse(updated.Id, out _));
            Assert.EndsWith("Z", updated.Time, StringComparison.Ordinal);
            Assert.Equal(a.ParticipantId, updated.Data.GetProperty("participantId").GetString());

            // types narrows; after skips what was read.
            var (onlyUpdates, _) = await client.ReadFeedAsync(types: EventTestData.Updated);
            Assert.Equal(5, onlyUpdates.Count);
            var (afterThird, _) = await client.ReadFeedAsync(after: onlyUpdates[2].Sequence, types: EventTestData.Updated);
            Assert.Equal(onlyUpdates.Skip(3).Select(e => e.Id), afterThird.Select(e => e.Id));
        }
    }

    [Fact]
    public async Task Feed_RefusesBadParameters()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            using var response = await client.GetAsync("/api/v1/events?after=-1&types=flexregistry.nope&limit=0");
            var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Equal(["after", "limit", "types"], problem.Errors!.Select(e => e.Field).Order());
        }
    }

    /// <summary>
    /// Appends commit in sequence order, so a consumer polling while many transactions append events never moves its
    /// cursor past one that commits later (the PostgreSQL advisory lock; SQLite's single writer).
    /// </summary>
    [Fact]
    public async Task ConsumerPollingDuringConcurrentAppends_MissesNoEvent()
    {
        using var op = await app.OperatorAsync();
        var (_, start) = await op.ReadFeedAsync(limit: 1000);
        var writers = new List<(string Id, HttpClient Client)>();
        for (var i = 0; i < 6; i++)
        {
            var (registration, client) = await app.RegisterActiveAsync();
            writers.Add((registration.ParticipantId, client));
        }
        var (_, cursor) = await op.ReadFeedAsync(start, limit: 1000);

        var seen = new List<long>();
        using var stop = new CancellationTokenSource();
        var consumer = Task.Run(async () =>
        {
            var c = cursor;
            while (true)
            {
                var done = stop.IsCancellationRequested;
                var (events, next) = await op.ReadFeedAsync(c, limit: 7);
                seen.AddRange(events.Select(e => e.Seq()));
                c = next;
                if (done)
                    return;
            }
        });
        await Task.WhenAll(writers.Select(async w =>
        {
            for (var n = 0; n < 6; n++)
                await w.Client.UpdateCommercialInformationAsync(w.Id);
        }));
        await stop.CancelAsync();
        await consumer;

        // Every event up to the last one the consumer saw, it saw (in order): no gap was skipped for good.
        var (truth, _) = await op.ReadFeedAsync(cursor, limit: 1000);
        Assert.Equal(truth.Select(e => e.Seq()).Where(s => s <= seen.Max()), seen);
        var ids = writers.Select(w => w.Id).ToHashSet();
        Assert.Equal(36, truth.Count(e => e.Type == EventTestData.Updated && ids.Contains(e.Subject) && e.Seq() <= seen.Max()));
        foreach (var (_, client) in writers)
            client.Dispose();
    }
}

public sealed class EventFeedTests_Sqlite(SqliteApp app) : EventFeedTests(app), IClassFixture<SqliteApp>;

public sealed class EventFeedTests_Postgres(PostgresApp app) : EventFeedTests(app), IClassFixture<PostgresApp>;
