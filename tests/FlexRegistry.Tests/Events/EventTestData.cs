using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Participants;

namespace FlexRegistry.Tests.Events;

internal static class EventTestData
{
    public const string Updated = "flexregistry.participant.updated";

    /// <summary>Changes the participant's commercial information, which records <c>participant.updated</c>.</summary>
    public static async Task UpdateCommercialInformationAsync(this HttpClient client, string participantId)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/participants/{participantId}/commercial-information",
            CommercialInformationTests.ValidForFsp() with { TradingNames = ["Flex " + Guid.NewGuid().ToString("N")[..6]] });
        await response.ShouldHave(HttpStatusCode.OK);
    }

    /// <summary>Reads the feed from <paramref name="after"/> to its current end, page by page.</summary>
    public static async Task<(List<CloudEvent> Events, string Cursor)> ReadFeedAsync(this HttpClient client, string after = "0", string? types = null, int limit = 100)
    {
        var all = new List<CloudEvent>();
        var cursor = after;
        while (true)
        {
            var page = await (await client.GetAsync($"/api/v1/events?after={cursor}&limit={limit}" + (types is null ? "" : "&types=" + types))).Read<EventPage>();
            all.AddRange(page.Items);
            Assert.True(page.Items.Count == 0 || page.NextCursor == page.Items[^1].Sequence);
            if (page.Items.Count == 0)
            {
                Assert.Equal(cursor, page.NextCursor);
                return (all, cursor);
            }
            cursor = page.NextCursor;
        }
    }

    public static long Seq(this CloudEvent e) => long.Parse(e.Sequence, System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<SubscriptionSecretResponse> SubscribeAsync(this HttpClient client, string url, string[]? types = null, SubscriptionFiltersDto? filters = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/subscriptions",
            new CreateSubscriptionRequest { Url = url, Types = types ?? [Updated], Filters = filters });
        return await response.Read<SubscriptionSecretResponse>(HttpStatusCode.Created);
    }

    public static Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> until, int seconds = 20) =>
        RegistrationTests.Eventually(read, until, seconds);
}
