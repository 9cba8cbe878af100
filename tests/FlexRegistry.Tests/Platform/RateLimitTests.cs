using System.Net;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Platform;

/// <summary>The app with rate limits on and a small per-client bucket (1 request/s, burst 5).</summary>
public sealed class SqliteAppWithRateLimits : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("RateLimits:Enabled", "true"),
        new("RateLimits:ClientRequestsPerSecond", "1"),
        new("RateLimits:ClientBurst", "5"),
    ];
}

/// <summary>The app with rate limits on and at most three anonymous registrations per address per window.</summary>
public sealed class SqliteAppWithRegistrationLimit : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("RateLimits:Enabled", "true"),
        new("RateLimits:RegistrationsPerWindow", "3"),
    ];
}

/// <summary>Per-client limits answer 429 with Retry-After, and one noisy client does not starve another.</summary>
public sealed class RateLimitTests(SqliteAppWithRateLimits app) : IClassFixture<SqliteAppWithRateLimits>
{
    [Fact]
    public async Task ANoisyClient_Gets429WithRetryAfter_WhileAnotherClientIsServed()
    {
        var (noisy, noisyClient) = await app.RegisterAsync();
        var (_, quietClient) = await app.RegisterAsync();
        using (noisyClient)
        using (quietClient)
        {
            var statuses = new List<HttpStatusCode>();
            HttpResponseMessage? limited = null;
            for (var i = 0; i < 12 && limited is null; i++)
            {
                var response = await noisyClient.GetAsync($"/api/v1/participants/{noisy.ParticipantId}");
                statuses.Add(response.StatusCode);
                // Every answer says where the client stands (the documented RateLimit-* headers).
                Assert.Equal("5", response.Headers.GetValues("RateLimit-Limit").Single());
                Assert.True(int.Parse(response.Headers.GetValues("RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture) <= 4 - Math.Min(i, 4) + 1);
                Assert.True(response.Headers.Contains("RateLimit-Reset"));
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    limited = response;
                else
                    response.Dispose();
            }
            Assert.NotNull(limited);
            using (limited)
            {
                await limited.ReadProblem(HttpStatusCode.TooManyRequests, "request.rate_limited");
                Assert.True(limited.Headers.RetryAfter?.Delta is { } delay && delay > TimeSpan.Zero, "429 must carry Retry-After");
            }
            Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 5, string.Join(",", statuses));

            // The quiet client has its own bucket.
            using var served = await quietClient.GetAsync("/api/v1/reference/dno-areas");
            await served.ShouldHave(HttpStatusCode.OK);
        }
    }

}

/// <summary>Anonymous registration is throttled per client address.</summary>
public sealed class RegistrationRateLimitTests(SqliteAppWithRegistrationLimit app) : IClassFixture<SqliteAppWithRegistrationLimit>
{
    [Fact]
    public async Task AnonymousRegistration_IsThrottledPerAddress()
    {
        using var anonymous = app.Anonymous();
        HttpStatusCode last = default;
        for (var i = 0; i < 6 && last != HttpStatusCode.TooManyRequests; i++)
        {
            using var response = await anonymous.PostAsync(new Uri("/api/v1/participants", UriKind.Relative),
                System.Net.Http.Json.JsonContent.Create(TestData.Registration(), options: ApiExtensions.Json));
            last = response.StatusCode;
            if (last == HttpStatusCode.TooManyRequests)
                await response.ReadProblem(HttpStatusCode.TooManyRequests, "request.rate_limited");
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, last);
    }
}
